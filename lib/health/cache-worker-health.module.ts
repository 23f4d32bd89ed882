import { type DynamicModule, Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CacheWorkerCoreModule } from '../cache-worker-core.module.js';
import { CACHE_WORKER_HEALTH_OPTIONS, type CacheWorkerHealthOptions, checkHealthOptions } from './cache-worker-health.options.js';
import { CacheWorkerHealthIndicator } from './cache-worker.health-indicator.js';

/**
 * Provides {@link CacheWorkerHealthIndicator} for `@nestjs/terminus`. Import it beside
 * `TerminusModule` in the module of your health controller.
 */
@Module({})
export class CacheWorkerHealthModule {
  /** The indicator, with options (all optional) for when a bucket counts as down. */
  static forRoot(options: CacheWorkerHealthOptions = {}): DynamicModule {
    return {
      module: CacheWorkerHealthModule,
      imports: [CacheWorkerCoreModule],
      providers: [
        HealthIndicatorService,
        { provide: CACHE_WORKER_HEALTH_OPTIONS, useValue: checkHealthOptions(options) },
        CacheWorkerHealthIndicator,
      ],
      exports: [CacheWorkerHealthIndicator],
    };
  }
}
