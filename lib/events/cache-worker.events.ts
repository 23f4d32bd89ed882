import type { RefreshResult } from '../interfaces/fetch-result.interface.js';

/**
 * The names of the events a cache worker emits through `@nestjs/event-emitter`'s `EventEmitter2`,
 * when the application imports `EventEmitterModule.forRoot()`. Listen with `@OnEvent(name)`.
 */
export const CACHE_WORKER_EVENTS = Object.freeze({
  /** A `load(key)` succeeded; payload {@link CacheWorkerLoadedEvent}. */
  loaded: 'cache-worker.loaded',
  /** A `load(key)` failed, timed out or was aborted; payload {@link CacheWorkerLoadFailedEvent}. */
  loadFailed: 'cache-worker.load-failed',
  /** A `loadMany(keys)` call settled; payload {@link CacheWorkerBatchLoadedEvent}. Each key also gets `loaded` or `loadFailed`. */
  batchLoaded: 'cache-worker.batch-loaded',
  /** A full refresh finished; payload {@link CacheWorkerRefreshedEvent}. */
  refreshed: 'cache-worker.refreshed',
  /** A dump was written; payload {@link CacheWorkerDumpedEvent}. */
  dumped: 'cache-worker.dumped',
  /** A dump write failed; payload {@link CacheWorkerDumpFailedEvent}. */
  dumpFailed: 'cache-worker.dump-failed',
  /**
   * An entry left its bucket without being deleted: evicted to keep it within `maxEntries` and
   * `maxWeight`, or removed by its `maxAge` or `expireAfterIdle`; payload {@link CacheWorkerEvictedEvent}.
   */
  evicted: 'cache-worker.evicted',
  /**
   * In cluster mode, a running instance applied the snapshot another instance shared (a start from
   * one is told by `stats().startedFrom`); payload {@link CacheWorkerSnapshotAppliedEvent}.
   */
  snapshotApplied: 'cache-worker.snapshot-applied',
});

/** Payload of `cache-worker.loaded`. */
export interface CacheWorkerLoadedEvent<K = unknown> {
  /** The bucket's name. */
  bucket: string;
  /** The key that was loaded. */
  key: K;
  /** Time the load took. */
  durationMs: number;
}

/** Payload of `cache-worker.load-failed`. */
export interface CacheWorkerLoadFailedEvent<K = unknown> {
  /** The bucket's name. */
  bucket: string;
  /** The key whose load failed. */
  key: K;
  /** Why, as text. */
  error: string;
  /** Time until the load failed. */
  durationMs: number;
}

/** Payload of `cache-worker.batch-loaded`. */
export interface CacheWorkerBatchLoadedEvent<K = unknown> {
  /** The bucket's name. */
  bucket: string;
  /** The keys the call asked for. */
  keys: readonly K[];
  /** How many of them failed (all of them when `error` is set). */
  failed: number;
  /** Why the whole call failed (a throw, a rejection, a timeout, an abort, a malformed result), else `null`. */
  error: string | null;
  /** Time the call took. */
  durationMs: number;
}

/** Payload of `cache-worker.refreshed`: the bucket and the refresh's result. */
export interface CacheWorkerRefreshedEvent extends RefreshResult {
  /** The bucket's name. */
  bucket: string;
}

/** Payload of `cache-worker.dumped`. */
export interface CacheWorkerDumpedEvent {
  /** The bucket's name. */
  bucket: string;
  /** Entries written. */
  entries: number;
  /** Size of the file. */
  bytes: number;
  /** Time the dump took. */
  durationMs: number;
  /** Entries that can't be serialized and were left out. */
  leftOut: number;
}

/** Payload of `cache-worker.dump-failed`. */
export interface CacheWorkerDumpFailedEvent {
  /** The bucket's name. */
  bucket: string;
  /** Why, as text; the previous dump file is untouched. */
  error: string;
}

/** Payload of `cache-worker.evicted`. */
export interface CacheWorkerEvictedEvent<K = unknown> {
  /** The bucket's name. */
  bucket: string;
  /** The key that left the bucket. */
  key: K;
  /**
   * Why: `'size'`, the bucket was full (`maxEntries` or `maxWeight`); `'expired'`, it passed its
   * `maxAge` (the bucket's or its own); `'idle'`, it was not read for `expireAfterIdle`.
   */
  cause: 'size' | 'expired' | 'idle';
}

/** Payload of `cache-worker.snapshot-applied`. */
export interface CacheWorkerSnapshotAppliedEvent {
  /** The bucket's name. */
  bucket: string;
  /** The shared snapshot's version. */
  version: number;
  /** The entries it holds. */
  entries: number;
  /** Time its read and application took (a chunk at a time, reads served meanwhile). */
  durationMs: number;
}
