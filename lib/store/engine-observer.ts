import type { DumpResult, RefreshResult } from '../interfaces/fetch-result.interface.js';

/** A change made through the store's write API (`set`, `delete`, `clear`, `invalidate`). */
export type BucketChange<K, V> =
  | { type: 'set'; key: K; value: V }
  | { type: 'delete'; key: K }
  | { type: 'invalidate'; key: K }
  | { type: 'clear' };

/**
 * What integrations (events, metrics, cluster mode) hear from an engine. Every method is optional,
 * and an observer that throws is logged and ignored: it can never break a read or a write.
 */
export interface EngineObserver<K = unknown, V = unknown> {
  loaded?(key: K, durationMs: number): void;
  loadFailed?(key: K, error: string, durationMs: number): void;
  refreshed?(result: RefreshResult): void;
  dumped?(result: Extract<DumpResult, { ok: true }>): void;
  dumpFailed?(error: string): void;
  changed?(change: BucketChange<K, V>): void;
  /** A value loaded on a read (not by a full refresh) was stored, with the `extra` entries `load` returned. */
  loadStored?(key: K, value: V, extra: unknown): void;
  /** The key left the bucket to keep it within `maxEntries` and `maxWeight`. */
  evicted?(key: K): void;
  /** The store's `dump()` was called; `dump()` resolves once a promise returned here settles too. */
  dumpRequested?(): void | Promise<void>;
}
