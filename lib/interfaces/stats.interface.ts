import type { RefreshResult } from './fetch-result.interface.js';

/** Counters and last results of one bucket, as `stats()` returns them. */
export interface CacheWorkerStats {
  /** The bucket's name. */
  bucket: string;
  /** How many entries are cached. */
  size: number;
  /** Reads answered from the bucket. */
  hits: number;
  /** Reads that found no cached value. */
  misses: number;
  /** Calls of `load`. */
  loads: number;
  /** Calls of `load` that failed, threw or timed out. */
  loadErrors: number;
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
}
