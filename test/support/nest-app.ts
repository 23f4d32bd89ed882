import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RecordingLogger } from './recording-logger.js';

/**
 * Boots a real Nest application from `imports` (compile, create, init), logging into `logger`, the
 * way a user's app boots. Rejects the way the user's bootstrap would fail.
 */
export async function bootApp(
  imports: ModuleMetadata['imports'],
  logger = new RecordingLogger(),
  providers: ModuleMetadata['providers'] = [],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports, providers }).setLogger(logger).compile();
  const app = moduleRef.createNestApplication();
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
