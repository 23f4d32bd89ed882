import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { startTracing } from './tracing.js';

async function main(): Promise<void> {
  startTracing();
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  // The compat test reads this line to find the app.
  console.log(`listening on ${address.port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
