import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { CacheWorkerHealthIndicator } from '../../../lib/health/index.js';

/** `GET /health`: terminus health of every bucket, under the key `cache`, as an app would mount it. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cacheWorkers: CacheWorkerHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.cacheWorkers.isHealthy('cache')]);
  }
}
