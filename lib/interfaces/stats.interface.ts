import type { RefreshResult } from './fetch-result.interface.js';

/** Counters and last results of one bucket, as `stats()` returns them. */
export interface CacheWorkerStats {
  /** The bucket's name. */
  bucket: string;
  /** How many entries are cached. */
  size: number;
  /** Entries evicted to keep the bucket within `maxEntries` and `maxWeight`. */
  evictions: number;
  /** Entries removed because they passed their `maxAge` or `expireAfterIdle`. */
  expirations: number;
  /** The total weight of the cached entries, by `weigh(key, value)`; `null` without `maxWeight`. */
  weight: number | null;
  /** Reads answered from the bucket. */
  hits: number;
  /** Reads that found no cached value. */
  misses: number;
  /** Keys loaded from the source: calls of `load`, plus the keys of `loadMany` calls. */
  loads: number;
  /** Loads of a key that failed, threw or timed out (alone or in a batch). */
  loadErrors: number;
  /** Calls of `loadMany`. */
  batches: number;
  /** Keys asked for in `loadMany` calls, summed over all of them. */
  batchedKeys: number;
  /** Full refreshes run. */
  refreshes: number;
  /** Refresh ticks skipped because the previous refresh was still running. */
  refreshesSkipped: number;
  /** Keys that failed in refreshes, summed over all refreshes. */
  refreshFailures: number;
  /** When the last full refresh ended. */
  lastRefreshAt: Date | null;
  /** Wall time of the last full refresh. */
  lastRefreshDurationMs: number | null;
  /** The counts of the last full refresh, as `fullRefresh` resolves them. */
  lastRefreshResult: Omit<RefreshResult, 'durationMs'> | null;
  /** Dumps written. */
  dumps: number;
  /** Dumps that could not be written. */
  dumpErrors: number;
  /** When the last dump was written. */
  lastDumpAt: Date | null;
  /** Size of the last dump file. */
  lastDumpBytes: number | null;
  /** Time the last dump took. */
  lastDumpDurationMs: number | null;
  /** Why the last dump write failed (or, at startup, why its folder can't be written in); `null` once a write succeeds. */
  lastDumpError: string | null;
  /** Where the bucket came from at startup (`snapshot`: the shared snapshot of cluster mode). */
  startedFrom: 'dump' | 'snapshot' | 'init' | 'empty' | null;
  /** Background reloads started by a read of an entry older than `refreshAfter`. */
  refreshesOnRead: number;
  /** Reads answered by a remembered failure (`failureBackoff`, `retryAfter`) instead of a load. */
  backoffHits: number;
}
