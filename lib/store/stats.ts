import type { CacheWorkerStats } from '../interfaces/stats.interface.js';

/** The counters behind `stats()`: plain fields, so counting on the hit path is one increment. */
export class StatsCounters {
  hits = 0;
  misses = 0;
  loads = 0;
  loadErrors = 0;
  batches = 0;
  batchedKeys = 0;
  refreshes = 0;
  refreshesSkipped = 0;
  refreshFailures = 0;
  lastRefreshAt: number | null = null;
  lastRefreshDurationMs: number | null = null;
  lastRefreshResult: CacheWorkerStats['lastRefreshResult'] = null;
  dumps = 0;
  dumpErrors = 0;
  lastDumpAt: number | null = null;
  lastDumpBytes: number | null = null;
  lastDumpDurationMs: number | null = null;
  lastDumpError: string | null = null;
  startedFrom: CacheWorkerStats['startedFrom'] = null;
  refreshesOnRead = 0;
  backoffHits = 0;

  /** The stats of `bucket`, whose entries' own figures come from `contents`. */
  snapshot(bucket: string, contents: Pick<CacheWorkerStats, 'size' | 'evictions' | 'expirations' | 'weight'>): CacheWorkerStats {
    return {
      bucket,
      size: contents.size,
      evictions: contents.evictions,
      expirations: contents.expirations,
      weight: contents.weight,
      hits: this.hits,
      misses: this.misses,
      loads: this.loads,
      loadErrors: this.loadErrors,
      batches: this.batches,
      batchedKeys: this.batchedKeys,
      refreshes: this.refreshes,
      refreshesSkipped: this.refreshesSkipped,
      refreshFailures: this.refreshFailures,
      lastRefreshAt: this.lastRefreshAt === null ? null : new Date(this.lastRefreshAt),
      lastRefreshDurationMs: this.lastRefreshDurationMs,
      lastRefreshResult: this.lastRefreshResult,
      dumps: this.dumps,
      dumpErrors: this.dumpErrors,
      lastDumpAt: this.lastDumpAt === null ? null : new Date(this.lastDumpAt),
      lastDumpBytes: this.lastDumpBytes,
      lastDumpDurationMs: this.lastDumpDurationMs,
      lastDumpError: this.lastDumpError,
      startedFrom: this.startedFrom,
      refreshesOnRead: this.refreshesOnRead,
      backoffHits: this.backoffHits,
    };
  }
}
