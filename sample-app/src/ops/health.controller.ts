import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { CacheWorkerHealthIndicator } from 'nest-cache-worker/health';

/** `GET /health`: 200 while every bucket is up, 503 with the reasons when one is down. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cacheWorkers: CacheWorkerHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.cacheWorkers.isHealthy('cache')]);
  }
}
