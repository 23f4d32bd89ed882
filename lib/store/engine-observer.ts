import type { DumpResult, RefreshResult } from '../interfaces/fetch-result.interface.js';
import type { RemovalCause } from './bucket/index.js';

/** A change made through the store's write API (`set`, `delete`, `clear`, `invalidate`). */
export type BucketChange<K, V> =
  /** `maxAge`: the entry's own max age, when `set` gave one. */
  | { type: 'set'; key: K; value: V; maxAge?: number }
  | { type: 'delete'; key: K }
  | { type: 'invalidate'; key: K }
  | { type: 'clear' };

/** One settled `loadMany` call. */
export interface BatchReport<K> {
  /** The keys it was asked for. */
  keys: readonly K[];
  /** How many of them failed (all of them when `error` is set). */
  failed: number;
  /** Why the whole batch failed (a throw, a rejection, a timeout, an abort, a malformed result), else null. */
  error: string | null;
  durationMs: number;
}

/**
 * What integrations (events, metrics, cluster mode) hear from an engine. Every method is optional,
 * and an observer that throws is logged and ignored: it can never break a read or a write.
 */
export interface EngineObserver<K = unknown, V = unknown> {
  loaded?(key: K, durationMs: number): void;
  loadFailed?(key: K, error: string, durationMs: number): void;
  /** A `loadMany` call settled; each of its keys is also told through `loaded` or `loadFailed`. */
  batchLoaded?(batch: BatchReport<K>): void;
  refreshed?(result: RefreshResult): void;
  dumped?(result: Extract<DumpResult, { ok: true }>): void;
  dumpFailed?(error: string): void;
  changed?(change: BucketChange<K, V>): void;
  /**
   * A value loaded on a read (not by a full refresh) was stored, with the `extra` entries `load`
   * returned and its own `maxAge` (-1: none).
   */
  loadStored?(key: K, value: V, extra: unknown, maxAge: number): void;
  /** A failed load of the key is remembered until `until` (ms since the epoch): reads get `error` meanwhile. */
  backedOff?(key: K, error: string, until: number): void;
  /** The key left the bucket: to keep it within `maxEntries` and `maxWeight` (`size`), or by its age or idleness. */
  evicted?(key: K, cause: RemovalCause): void;
  /** A running instance applied another instance's snapshot, of this `version` and count of entries. */
  snapshotApplied?(applied: { version: number; entries: number; durationMs: number }): void;
  /** The store's `dump()` was called; `dump()` resolves once a promise returned here settles too. */
  dumpRequested?(): void | Promise<void>;
}
