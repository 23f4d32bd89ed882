import { Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { join } from 'node:path';
import { CacheWorkerModule } from 'nest-cache-worker';
import { CacheWorkerBoardModule } from 'nest-cache-worker/board';
import { CacheWorkerHealthModule } from 'nest-cache-worker/health';
import { CacheWorkerMetricsModule } from 'nest-cache-worker/metrics';
import { CacheWorkerOtelModule } from 'nest-cache-worker/otel';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { SpansController } from './spans.controller.js';
import { WidgetEvents } from './widget.events.js';
import { WidgetSource } from './widget.source.js';
import { WidgetStore } from './widget.store.js';
import { WidgetsController } from './widgets.controller.js';

@Module({ providers: [WidgetSource], exports: [WidgetSource] })
export class WidgetSourceModule {}

const dumpDir = process.env.DUMP_DIR ?? process.cwd();
// Cluster mode (with the optional peer ioredis) when a Redis URL is given.
const redisUrl = process.env.REDIS_URL;

@Module({
  imports: [
    CacheWorkerModule.forRoot({
      defaults: { dumpDelay: 0 },
      ...(redisUrl ? { cluster: { redis: redisUrl, namespace: 'compat' } } : {}),
    }),
    CacheWorkerModule.forFeature([{ store: WidgetStore, file: join(dumpDir, 'widgets.dump') }], {
      imports: [WidgetSourceModule],
    }),
    WidgetSourceModule,
    TerminusModule,
    CacheWorkerHealthModule.forRoot(),
    CacheWorkerMetricsModule.forRoot(),
    CacheWorkerBoardModule.forRoot(),
    EventEmitterModule.forRoot(),
    CacheWorkerOtelModule.forRoot(),
  ],
  controllers: [WidgetsController, HealthController, MetricsController, SpansController],
  providers: [WidgetEvents],
})
export class AppModule {}
