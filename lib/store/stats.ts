import type { CacheWorkerStats } from '../interfaces/stats.interface.js';

/** The counters behind `stats()`: plain fields, so counting on the hit path is one increment. */
export class StatsCounters {
  hits = 0;
  misses = 0;
  loads = 0;
  loadErrors = 0;
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

  snapshot(bucket: string, size: number): CacheWorkerStats {
    return {
      bucket,
      size,
      hits: this.hits,
      misses: this.misses,
      loads: this.loads,
      loadErrors: this.loadErrors,
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
    };
  }
}
