/** The instrumentation scope of the tracer and the meter. */
export const OTEL_SCOPE = 'nest-cache-worker';

/** The prefix of every metric name, such as `cache_worker.hits`. */
export const OTEL_PREFIX = 'cache_worker.';

/** The names of the spans the OpenTelemetry module records. */
export const CACHE_WORKER_SPANS = Object.freeze({
  /** One call of `load(key)`: a miss, a reload, or (with `refreshLoadSpans`) a key of a full refresh. */
  load: 'cache_worker.load',
  /** One call of `loadMany(keys)`: misses collected into a batch, or (with `refreshLoadSpans`) a batch of a full refresh. */
  loadBatch: 'cache_worker.load_batch',
  /** A full refresh, with the dump written after it as a child. */
  refresh: 'cache_worker.refresh',
  /** A dump written to the bucket's file. */
  dump: 'cache_worker.dump',
  /** Cluster mode: the bucket's snapshot written to Redis and announced. */
  snapshotPublish: 'cache_worker.snapshot.publish',
  /** Cluster mode: another instance's snapshot read from Redis and applied. */
  snapshotApply: 'cache_worker.snapshot.apply',
});

/** The attributes of the spans and metrics. */
export const CACHE_WORKER_ATTRIBUTES = Object.freeze({
  /** Every span and metric: the bucket's name. */
  bucket: 'cache_worker.bucket',
  /** Every span, and the load duration histogram: `ok` or `error` (`superseded` for a snapshot a newer one replaced). */
  result: 'cache_worker.result',
  /** Load spans: the key (hashed with `redactKeys`). */
  key: 'cache_worker.key',
  /** Batch spans: the keys asked for in the `loadMany` call. */
  batchSize: 'cache_worker.batch.size',
  /** Batch spans: the keys of the call that failed. */
  batchFailed: 'cache_worker.batch.failed',
  /** Refresh spans: the keys whose new value was stored. */
  refreshed: 'cache_worker.refresh.refreshed',
  /** Refresh spans: the keys that failed (their old value was kept). */
  failed: 'cache_worker.refresh.failed',
  /** Refresh spans: the keys `refreshFilter` refused, or deleted while the refresh ran. */
  skipped: 'cache_worker.refresh.skipped',
  /** Dump and snapshot spans: the entries written, or applied. */
  entries: 'cache_worker.entries',
  /** Dump and snapshot-publish spans: the size written. */
  bytes: 'cache_worker.bytes',
  /** Snapshot spans: the snapshot's version. */
  version: 'cache_worker.snapshot.version',
});
