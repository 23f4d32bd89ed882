import type { CacheWorkerStats } from '../interfaces/stats.interface.js';
import type { EngineObserver } from '../store/engine-observer.js';

/**
 * One metric read from a bucket's `stats()`. The Prometheus module names it `cache_worker_<name>`
 * (with `_total` for a counter), the OpenTelemetry module `cache_worker.<otelName>`; both describe it
 * with `messages.metricHelp(name)`. A counter of a new feature (evictions, say) is one more row here,
 * and both modules export it.
 */
export interface StatsMetric {
  name: string;
  otelName: string;
  /** The UCUM unit OpenTelemetry gives it (`{hit}` is a count of hits). */
  unit: string;
  kind: 'counter' | 'gauge';
  read: (stats: CacheWorkerStats) => number;
}

/** The metrics of every bucket that `stats()` holds, in the order both modules register them. */
export const STATS_METRICS: readonly StatsMetric[] = [
  { name: 'hits', otelName: 'hits', unit: '{hit}', kind: 'counter', read: (s) => s.hits },
  { name: 'misses', otelName: 'misses', unit: '{miss}', kind: 'counter', read: (s) => s.misses },
  { name: 'loads', otelName: 'loads', unit: '{load}', kind: 'counter', read: (s) => s.loads },
  { name: 'load_errors', otelName: 'load.errors', unit: '{error}', kind: 'counter', read: (s) => s.loadErrors },
  { name: 'batches', otelName: 'batches', unit: '{call}', kind: 'counter', read: (s) => s.batches },
  { name: 'batched_keys', otelName: 'batched_keys', unit: '{key}', kind: 'counter', read: (s) => s.batchedKeys },
  { name: 'refreshes', otelName: 'refreshes', unit: '{refresh}', kind: 'counter', read: (s) => s.refreshes },
  { name: 'refresh_failures', otelName: 'refresh.failures', unit: '{key}', kind: 'counter', read: (s) => s.refreshFailures },
  { name: 'dumps', otelName: 'dumps', unit: '{dump}', kind: 'counter', read: (s) => s.dumps },
  { name: 'dump_errors', otelName: 'dump.errors', unit: '{error}', kind: 'counter', read: (s) => s.dumpErrors },
  { name: 'evictions', otelName: 'evictions', unit: '{entry}', kind: 'counter', read: (s) => s.evictions },
  { name: 'entries', otelName: 'entries', unit: '{entry}', kind: 'gauge', read: (s) => s.size },
  { name: 'dump_bytes', otelName: 'dump.size', unit: 'By', kind: 'gauge', read: (s) => s.lastDumpBytes ?? 0 },
];

/** Bucket bounds (seconds) of the duration histograms: from a fast load to a long refresh. */
export const DURATION_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The duration histograms, named like the rows of {@link STATS_METRICS}; the load and batch histograms
 * have the result (`ok` or `error`) as a label.
 */
export const DURATION_METRICS = {
  load: { name: 'load_duration_seconds', otelName: 'load.duration' },
  batch: { name: 'batch_duration_seconds', otelName: 'batch.duration' },
  refresh: { name: 'refresh_duration_seconds', otelName: 'refresh.duration' },
  dump: { name: 'dump_duration_seconds', otelName: 'dump.duration' },
} as const;

/** Where a module records the durations of one bucket, in seconds. */
export interface DurationRecorder {
  load(seconds: number, ok: boolean): void;
  batch(seconds: number, ok: boolean): void;
  refresh(seconds: number): void;
  dump(seconds: number): void;
}

/** An engine observer that hands every load, refresh and dump duration to `recorder`. */
export function durationObserver(recorder: DurationRecorder): EngineObserver {
  return {
    loaded: (_key, ms) => recorder.load(ms / 1000, true),
    loadFailed: (_key, _error, ms) => recorder.load(ms / 1000, false),
    batchLoaded: ({ error, durationMs }) => recorder.batch(durationMs / 1000, error === null),
    refreshed: ({ durationMs }) => recorder.refresh(durationMs / 1000),
    dumped: ({ durationMs }) => recorder.dump(durationMs / 1000),
  };
}
