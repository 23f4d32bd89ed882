import { type DynamicModule, Module } from '@nestjs/common';
import { CacheWorkerCoreModule } from '../cache-worker-core.module.js';
import { CACHE_WORKER_OTEL_OPTIONS, type CacheWorkerOtelOptions, checkOtelOptions } from './cache-worker-otel.options.js';
import { CacheWorkerOtel } from './cache-worker.otel.js';

/**
 * Records the cache workers' spans and metrics through the OpenTelemetry API. Start the
 * OpenTelemetry SDK (its tracer and meter providers) before the app is created, as OpenTelemetry
 * asks of every instrumentation; without one, the module records nothing and costs nothing.
 */
@Module({})
export class CacheWorkerOtelModule {
  /** Spans and metrics of every bucket, with options (all optional). */
  static forRoot(options: CacheWorkerOtelOptions = {}): DynamicModule {
    return {
      module: CacheWorkerOtelModule,
      imports: [CacheWorkerCoreModule],
      providers: [{ provide: CACHE_WORKER_OTEL_OPTIONS, useValue: checkOtelOptions(options) }, CacheWorkerOtel],
      exports: [CacheWorkerOtel],
    };
  }
}
