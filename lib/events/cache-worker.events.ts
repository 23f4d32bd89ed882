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
  /** A full refresh finished; payload {@link CacheWorkerRefreshedEvent}. */
  refreshed: 'cache-worker.refreshed',
  /** A dump was written; payload {@link CacheWorkerDumpedEvent}. */
  dumped: 'cache-worker.dumped',
  /** A dump write failed; payload {@link CacheWorkerDumpFailedEvent}. */
  dumpFailed: 'cache-worker.dump-failed',
});

/** Payload of `cache-worker.loaded`. */
export interface CacheWorkerLoadedEvent<K = unknown> {
  bucket: string;
  key: K;
  durationMs: number;
}

/** Payload of `cache-worker.load-failed`. */
export interface CacheWorkerLoadFailedEvent<K = unknown> {
  bucket: string;
  key: K;
  error: string;
  durationMs: number;
}

/** Payload of `cache-worker.refreshed`: the bucket and the refresh's result. */
export interface CacheWorkerRefreshedEvent extends RefreshResult {
  bucket: string;
}

/** Payload of `cache-worker.dumped`. */
export interface CacheWorkerDumpedEvent {
  bucket: string;
  entries: number;
  bytes: number;
  durationMs: number;
  /** Entries that can't be serialized and were left out. */
  leftOut: number;
}

/** Payload of `cache-worker.dump-failed`. */
export interface CacheWorkerDumpFailedEvent {
  bucket: string;
  error: string;
}
