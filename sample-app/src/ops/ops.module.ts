import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheWorkerBoardModule } from 'nest-cache-worker/board';
import { CacheWorkerHealthModule } from 'nest-cache-worker/health';
import { CacheWorkerMetricsModule } from 'nest-cache-worker/metrics';
import { boardOptions } from '../sample.config.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';

/** What operators read: `GET /health` (terminus), `GET /metrics` (Prometheus text) and the cache board. */
@Module({
  imports: [
    TerminusModule.forRoot(),
    CacheWorkerHealthModule.forRoot(),
    CacheWorkerMetricsModule.forRoot(),
    CacheWorkerBoardModule.forRoot(boardOptions()),
  ],
  controllers: [HealthController, MetricsController],
})
export class OpsModule {}
