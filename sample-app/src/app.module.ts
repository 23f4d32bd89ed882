import { Module } from '@nestjs/common';
import { CacheWorkerModule } from 'nest-cache-worker';
import { OpsModule } from './ops/index.js';
import { clusterOptions, widgetOverrides } from './sample.config.js';
import { TelemetryModule } from './telemetry/index.js';
import { StatsController, WidgetApiModule, WidgetController, WidgetService, WidgetStore } from './widgets/index.js';

/**
 * The sample application. `forRootAsync` reads the runtime overrides and cluster mode (`REDIS_URL`)
 * from the environment when the app boots (a real app would inject `ConfigService` here);
 * `forFeature` registers the widget store, whose constructor needs `WidgetApi` from `WidgetApiModule`.
 */
@Module({
  imports: [
    CacheWorkerModule.forRootAsync({
      useFactory: () => ({ buckets: { widgets: widgetOverrides() }, cluster: clusterOptions() }),
    }),
    CacheWorkerModule.forFeature([WidgetStore], { imports: [WidgetApiModule] }),
    OpsModule,
    TelemetryModule,
  ],
  controllers: [WidgetController, StatsController],
  providers: [WidgetService],
})
export class AppModule {}
