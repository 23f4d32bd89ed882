import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { CacheWorkerRegistry } from '../cache-worker.registry.js';
import { DURATION_BUCKETS, DURATION_METRICS, durationObserver, STATS_METRICS } from '../metrics/cache-worker.metric-set.js';
import { engineOf } from '../store/cache-worker.store.js';
import * as messages from '../cache-worker.messages.js';
import { CACHE_WORKER_ATTRIBUTES, OTEL_PREFIX } from './cache-worker.otel-names.js';

/**
 * The cache workers' metrics through an OpenTelemetry meter, the same set as the Prometheus module:
 * observable instruments read from every bucket's `stats()` at each collection, and histograms of
 * load, refresh and dump durations, each with the bucket as the attribute `cache_worker.bucket`.
 */
export class OtelMetrics {
  private readonly observables: Observable[];
  private readonly collect: BatchObservableCallback;

  constructor(
    private readonly meter: Meter,
    workers: CacheWorkerRegistry,
  ) {
    // Entries and dump sizes add up across buckets: up-down counters, as OpenTelemetry has such sums.
    this.observables = STATS_METRICS.map(({ name, otelName, unit, kind }) => {
      const options = { description: messages.metricHelp(name), unit };
      const fullName = OTEL_PREFIX + otelName;
      return kind === 'counter' ? meter.createObservableCounter(fullName, options) : meter.createObservableUpDownCounter(fullName, options);
    });
    const observables = this.observables;
    this.collect = (result) => {
      for (const stats of workers.stats()) {
        const attributes = { [CACHE_WORKER_ATTRIBUTES.bucket]: stats.bucket };
        for (let i = 0; i < observables.length; i++) result.observe(observables[i]!, STATS_METRICS[i]!.read(stats), attributes);
      }
    };
    meter.addBatchObservableCallback(this.collect, observables);

    const load = this.histogram(DURATION_METRICS.load);
    const batch = this.histogram(DURATION_METRICS.batch);
    const refresh = this.histogram(DURATION_METRICS.refresh);
    const dump = this.histogram(DURATION_METRICS.dump);
    for (const store of workers.getStores()) {
      // One attributes object per bucket and result, made once: recording a load allocates none.
      const bucket = { [CACHE_WORKER_ATTRIBUTES.bucket]: store.bucket };
      const ok = { ...bucket, [CACHE_WORKER_ATTRIBUTES.result]: 'ok' };
      const error = { ...bucket, [CACHE_WORKER_ATTRIBUTES.result]: 'error' };
      engineOf(store).observe(
        durationObserver({
          load: (seconds, succeeded) => load.record(seconds, succeeded ? ok : error),
          batch: (seconds, succeeded) => batch.record(seconds, succeeded ? ok : error),
          refresh: (seconds) => refresh.record(seconds, bucket),
          dump: (seconds) => dump.record(seconds, bucket),
        }),
      );
    }
  }

  /** Stops reading `stats()`: the meter outlives the application, the buckets don't. */
  close(): void {
    this.meter.removeBatchObservableCallback(this.collect, this.observables);
  }

  private histogram({ name, otelName }: { name: string; otelName: string }) {
    return this.meter.createHistogram(OTEL_PREFIX + otelName, {
      description: messages.metricHelp(name),
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
  }
}
