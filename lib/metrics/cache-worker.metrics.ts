import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, register, type Registry } from 'prom-client';
import { CacheWorkerRegistry } from '../cache-worker.registry.js';
import type { CacheWorkerStats } from '../interfaces/stats.interface.js';
import { engineOf } from '../store/cache-worker.store.js';
import * as messages from '../cache-worker.messages.js';
import {
  CACHE_WORKER_METRICS_OPTIONS,
  type CacheWorkerMetricsOptions,
  DEFAULT_METRICS_PREFIX,
} from './cache-worker-metrics.options.js';

/** Metrics read from `stats()` of every bucket when Prometheus scrapes. */
const FROM_STATS: ReadonlyArray<{ name: string; help: string; kind: 'counter' | 'gauge'; read: (s: CacheWorkerStats) => number }> = [
  { name: 'hits_total', help: 'hits', kind: 'counter', read: (s) => s.hits },
  { name: 'misses_total', help: 'misses', kind: 'counter', read: (s) => s.misses },
  { name: 'loads_total', help: 'loads', kind: 'counter', read: (s) => s.loads },
  { name: 'load_errors_total', help: 'load_errors', kind: 'counter', read: (s) => s.loadErrors },
  { name: 'batches_total', help: 'batches', kind: 'counter', read: (s) => s.batches },
  { name: 'batched_keys_total', help: 'batched_keys', kind: 'counter', read: (s) => s.batchedKeys },
  { name: 'refreshes_total', help: 'refreshes', kind: 'counter', read: (s) => s.refreshes },
  { name: 'refresh_failures_total', help: 'refresh_failures', kind: 'counter', read: (s) => s.refreshFailures },
  { name: 'dumps_total', help: 'dumps', kind: 'counter', read: (s) => s.dumps },
  { name: 'dump_errors_total', help: 'dump_errors', kind: 'counter', read: (s) => s.dumpErrors },
  { name: 'evictions_total', help: 'evictions', kind: 'counter', read: (s) => s.evictions },
  { name: 'entries', help: 'entries', kind: 'gauge', read: (s) => s.size },
  { name: 'dump_bytes', help: 'dump_bytes', kind: 'gauge', read: (s) => s.lastDumpBytes ?? 0 },
];

/** Bucket bounds (seconds) of the duration histograms: from a fast load to a long refresh. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

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
    for (const { name, help, kind, read } of FROM_STATS) {
      const Metric = kind === 'counter' ? Counter : Gauge;
      new Metric({
        ...this.describe(name, help),
        labelNames: ['bucket'],
        collect(this: Counter | Gauge) {
          this.reset();
          for (const stats of workers.stats()) this.inc({ bucket: stats.bucket }, read(stats));
        },
      });
    }
    const loadDuration = this.histogram('load_duration_seconds', ['bucket', 'result']);
    const batchDuration = this.histogram('batch_duration_seconds', ['bucket', 'result']);
    const refreshDuration = this.histogram('refresh_duration_seconds', ['bucket']);
    const dumpDuration = this.histogram('dump_duration_seconds', ['bucket']);
    for (const store of workers.getStores()) {
      const { bucket } = store;
      engineOf(store).observe({
        loaded: (_key, ms) => loadDuration.observe({ bucket, result: 'ok' }, ms / 1000),
        loadFailed: (_key, _error, ms) => loadDuration.observe({ bucket, result: 'error' }, ms / 1000),
        batchLoaded: ({ error, durationMs }) =>
          batchDuration.observe({ bucket, result: error === null ? 'ok' : 'error' }, durationMs / 1000),
        refreshed: ({ durationMs }) => refreshDuration.observe({ bucket }, durationMs / 1000),
        dumped: ({ durationMs }) => dumpDuration.observe({ bucket }, durationMs / 1000),
      });
    }
  }

  /** Removes the metrics from the registry, so that a new application can register them again. */
  onModuleDestroy(): void {
    for (const name of this.names.splice(0)) this.registry.removeSingleMetric(name);
  }

  private histogram<L extends string>(name: string, labelNames: L[]): Histogram<L> {
    return new Histogram({ ...this.describe(name, name), labelNames, buckets: DURATION_BUCKETS });
  }

  /** Name, help and registry of one metric; remembers the name to remove it at destroy. */
  private describe(name: string, help: string) {
    const fullName = `${this.prefix}${name}`;
    this.names.push(fullName);
    return { name: fullName, help: messages.metricHelp(help), registers: [this.registry] };
  }
}
