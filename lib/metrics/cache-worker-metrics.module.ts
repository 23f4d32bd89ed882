import { type DynamicModule, Module } from '@nestjs/common';
import { CacheWorkerCoreModule } from '../cache-worker-core.module.js';
import { CACHE_WORKER_METRICS_OPTIONS, type CacheWorkerMetricsOptions, checkMetricsOptions } from './cache-worker-metrics.options.js';
import { CacheWorkerMetrics } from './cache-worker.metrics.js';

/**
 * Registers the cache workers' Prometheus metrics. With `@willsoto/nestjs-prometheus`, import
 * `PrometheusModule.register()` too: it serves prom-client's global registry, where the metrics go
 * by default.
 */
@Module({})
export class CacheWorkerMetricsModule {
  /** The metrics, in prom-client's global registry unless `options.registry` is given. */
  static forRoot(options: CacheWorkerMetricsOptions = {}): DynamicModule {
    return {
      module: CacheWorkerMetricsModule,
      imports: [CacheWorkerCoreModule],
      providers: [{ provide: CACHE_WORKER_METRICS_OPTIONS, useValue: checkMetricsOptions(options) }, CacheWorkerMetrics],
      exports: [CacheWorkerMetrics],
    };
  }
}
