import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { CacheWorkerOtelModule } from 'nest-cache-worker/otel';
import { RequestSpanMiddleware } from './request-span.middleware.js';
import { TracesController } from './traces.controller.js';

/**
 * OpenTelemetry spans of the cache (`nest-cache-worker/otel`) inside request spans, shown at
 * `GET /traces`. The sample's metrics go to Prometheus at `GET /metrics`, so only spans are on here.
 */
@Module({
  imports: [CacheWorkerOtelModule.forRoot({ metrics: false })],
  controllers: [TracesController],
})
export class TelemetryModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestSpanMiddleware).forRoutes('*');
  }
}
