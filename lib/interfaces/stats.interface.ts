/** Counters and last results of one bucket, as `stats()` returns them. */
export interface CacheWorkerStats {
  bucket: string;
  size: number;
  hits: number;
  misses: number;
  loads: number;
  loadErrors: number;
  refreshes: number;
  /** Refresh ticks skipped because the previous refresh was still running. */
  refreshesSkipped: number;
  /** Keys that failed in refreshes, summed over all refreshes. */
  refreshFailures: number;
  lastRefreshAt: Date | null;
  lastRefreshDurationMs: number | null;
  lastRefreshResult: { refreshed: number; failed: number; skipped: number } | null;
  dumps: number;
  dumpErrors: number;
  lastDumpAt: Date | null;
  lastDumpBytes: number | null;
  lastDumpDurationMs: number | null;
  /** Where the bucket came from at startup. */
  startedFrom: 'dump' | 'init' | 'empty' | null;
}
