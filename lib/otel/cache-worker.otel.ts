import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { createNoopMeter, type Meter, metrics, ProxyTracer, trace } from '@opentelemetry/api';
import { LOGGER_CONTEXT_PREFIX } from '../cache-worker.constants.js';
import { CacheWorkerBucketLogger } from '../cache-worker.logger.js';
import { CacheWorkerRegistry } from '../cache-worker.registry.js';
import { engineOf } from '../store/cache-worker.store.js';
import { describeKey } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { CACHE_WORKER_OTEL_OPTIONS, type CacheWorkerOtelOptions } from './cache-worker-otel.options.js';
import { OtelMetrics } from './cache-worker.otel-metrics.js';
import { OTEL_SCOPE } from './cache-worker.otel-names.js';
import { OtelEngineTracer } from './cache-worker.otel-tracer.js';

/**
 * Connects every bucket to the OpenTelemetry API at module init: spans when a tracer provider is
 * registered, metrics when a meter provider is. With neither, it attaches nothing, so the cache does
 * no work for it.
 */
@Injectable()
export class CacheWorkerOtel implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CacheWorker');
  private metrics: OtelMetrics | null = null;

  constructor(
    private readonly workers: CacheWorkerRegistry,
    @Optional() @Inject(CACHE_WORKER_OTEL_OPTIONS) private readonly options: CacheWorkerOtelOptions = {},
  ) {}

  /** Attaches spans and metrics to every bucket, as far as the registered providers allow, and says which. */
  onModuleInit(): void {
    const { spans = true, metrics: wantsMetrics = true, redactKeys = false, refreshLoadSpans = false } = this.options;
    // Without a registered provider the API hands out a proxy tracer and a no-op meter: every span and
    // every measurement would be thrown away, so none is made.
    const tracer = trace.getTracer(OTEL_SCOPE);
    const tracing = !spans ? 'off' : tracer instanceof ProxyTracer ? 'no provider' : 'on';
    const meter = metrics.getMeter(OTEL_SCOPE);
    const metering = !wantsMetrics ? 'off' : isNoopMeter(meter) ? 'no provider' : 'on';
    if (tracing === 'on') {
      for (const store of this.workers.getStores()) {
        const redact = redactKeys || store.config.redactKeys;
        const keyText = (key: unknown) => (typeof key === 'string' && !redact ? key : describeKey(key, redact));
        const logger = new CacheWorkerBucketLogger(`${LOGGER_CONTEXT_PREFIX}${store.bucket}`);
        engineOf(store).traceWith(new OtelEngineTracer(tracer, store.bucket, keyText, refreshLoadSpans, logger));
      }
    }
    if (metering === 'on') this.metrics = new OtelMetrics(meter, this.workers);
    this.logger.log(messages.otelStarted(tracing, metering));
  }

  /** Stops the metrics reading the buckets: the meter outlives the app. */
  onModuleDestroy(): void {
    this.metrics?.close();
    this.metrics = null;
  }
}

/** Whether `meter` is the API's own no-op meter, the one it gives while no meter provider is registered. */
function isNoopMeter(meter: Meter): boolean {
  return Object.getPrototypeOf(meter) === Object.getPrototypeOf(createNoopMeter());
}
