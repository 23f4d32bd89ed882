import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { listenPort } from './sample.config.js';
import { startTelemetry } from './telemetry/index.js';
import { WidgetStore } from './widgets/index.js';

/** Boots the sample on `PORT` (3000); Ctrl-C or SIGTERM closes it, which writes the final dump. */
async function bootstrap(): Promise<void> {
  startTelemetry(); // before the app is created, so the cache's OpenTelemetry module finds the SDK
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(listenPort());
  const { port } = app.getHttpServer().address() as { port: number };
  const { file } = app.get(WidgetStore).config;
  new Logger('SampleApp').log(`serving widgets on http://localhost:${port}/widgets/1 (dump: ${file})`);
}

void bootstrap();
