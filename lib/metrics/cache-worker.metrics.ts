import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, register, type Registry } from 'prom-client';
import { CacheWorkerRegistry } from '../cache-worker.registry.js';
import { engineOf } from '../store/cache-worker.store.js';
import * as messages from '../cache-worker.messages.js';
import {
  CACHE_WORKER_METRICS_OPTIONS,
  type CacheWorkerMetricsOptions,
  DEFAULT_METRICS_PREFIX,
} from './cache-worker-metrics.options.js';
import { DURATION_BUCKETS, DURATION_METRICS, durationObserver, STATS_METRICS } from './cache-worker.metric-set.js';

/**
 * Exports the cache workers' metrics to Prometheus through `prom-client`: counters and gauges from
 * `stats()` (read when scraped, labelled by `bucket`) and histograms of load, batch, refresh and dump
 * durations. Metrics are registered at module init and removed at module destroy.
 */
@Injectable()
export class CacheWorkerMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly registry: Registry;
  private readonly prefix: string;
  private readonly names: string[] = [];

  constructor(
    private readonly workers: CacheWorkerRegistry,
    @Optional() @Inject(CACHE_WORKER_METRICS_OPTIONS) options: CacheWorkerMetricsOptions = {},
  ) {
    this.registry = options.registry ?? register;
    this.prefix = options.prefix ?? DEFAULT_METRICS_PREFIX;
  }

  /** Registers the metrics and starts timing every bucket's loads, refreshes and dumps. */
  onModuleInit(): void {
    const workers = this.workers;
    for (const { name, kind, read } of STATS_METRICS) {
      const Metric = kind === 'counter' ? Counter : Gauge;
      new Metric({
        ...this.describe(kind === 'counter' ? `${name}_total` : name, name),
        labelNames: ['bucket'],
        collect(this: Counter | Gauge) {
          this.reset();
          for (const stats of workers.stats()) this.inc({ bucket: stats.bucket }, read(stats));
        },
      });
    }
    const loadDuration = this.histogram(DURATION_METRICS.load.name, ['bucket', 'result']);
    const batchDuration = this.histogram(DURATION_METRICS.batch.name, ['bucket', 'result']);
    const refreshDuration = this.histogram(DURATION_METRICS.refresh.name, ['bucket']);
    const dumpDuration = this.histogram(DURATION_METRICS.dump.name, ['bucket']);
    for (const store of workers.getStores()) {
      const { bucket } = store;
      engineOf(store).observe(
        durationObserver({
          load: (seconds, ok) => loadDuration.observe({ bucket, result: ok ? 'ok' : 'error' }, seconds),
          batch: (seconds, ok) => batchDuration.observe({ bucket, result: ok ? 'ok' : 'error' }, seconds),
          refresh: (seconds) => refreshDuration.observe({ bucket }, seconds),
          dump: (seconds) => dumpDuration.observe({ bucket }, seconds),
        }),
      );
    }
  }

  /** Removes the metrics from the registry, so that a new application can register them again. */
  onModuleDestroy(): void {
    for (const name of this.names.splice(0)) this.registry.removeSingleMetric(name);
  }

  private histogram<L extends string>(name: string, labelNames: L[]): Histogram<L> {
    return new Histogram({ ...this.describe(name, name), labelNames, buckets: [...DURATION_BUCKETS] });
  }

  /** Name, help and registry of one metric; remembers the name to remove it at destroy. */
  private describe(name: string, help: string) {
    const fullName = `${this.prefix}${name}`;
    this.names.push(fullName);
    return { name: fullName, help: messages.metricHelp(help), registers: [this.registry] };
  }
}
