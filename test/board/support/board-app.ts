import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { RecordingLogger } from '../../support/recording-logger.js';

/** The HTTP platforms the board is tested on. */
export type Platform = 'express' | 'fastify';

/** A booted app with its log and a supertest client. */
export interface BoardApp {
  app: INestApplication;
  logger: RecordingLogger;
  http: () => ReturnType<typeof request>;
}

/** Boots a real Nest app from `imports` on Express or Fastify, ready for requests. */
export async function bootBoardApp(
  imports: ModuleMetadata['imports'],
  platform: Platform = 'express',
  configure: (app: INestApplication) => void = () => undefined,
): Promise<BoardApp> {
  const logger = new RecordingLogger();
  const moduleRef = await Test.createTestingModule({ imports }).setLogger(logger).compile();
  const app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter()) : moduleRef.createNestApplication();
  configure(app);
  await app.init();
  if (platform === 'fastify') await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  return { app, logger, http: () => request(app.getHttpServer()) };
}

/** The CSRF token a writable board's page carries. */
export async function csrfTokenOf(board: BoardApp, path = '/cache-worker'): Promise<string> {
  const page = await board.http().get(path).expect(200);
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)?.[1];
  if (!token) throw new Error(`the page at ${path} carries no CSRF token`);
  return token;
}
