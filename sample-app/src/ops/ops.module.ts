import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheWorkerHealthModule } from 'nest-cache-worker/health';
import { CacheWorkerMetricsModule } from 'nest-cache-worker/metrics';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';

/** What operators read: `GET /health` (terminus) and `GET /metrics` (Prometheus text). */
@Module({
  imports: [TerminusModule.forRoot(), CacheWorkerHealthModule.forRoot(), CacheWorkerMetricsModule.forRoot()],
  controllers: [HealthController, MetricsController],
})
export class OpsModule {}
