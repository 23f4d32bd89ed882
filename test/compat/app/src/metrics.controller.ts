import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

/** prom-client's global registry, where `CacheWorkerMetricsModule` registers by default. */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
