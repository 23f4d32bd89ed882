import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

/**
 * `GET /metrics`: prom-client's global registry, where `CacheWorkerMetricsModule` puts the cache
 * metrics (an app that uses `@willsoto/nestjs-prometheus` gets the same from its `PrometheusModule`).
 */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
