import type { CacheWorkerConfig } from '../interfaces/cache-worker-config.interface.js';
import type { RefreshResult } from '../interfaces/fetch-result.interface.js';
import type { CacheWorkerStats } from '../interfaces/stats.interface.js';
import type { CacheWorkerStore } from '../store/cache-worker.store.js';
import { engineOf } from '../store/cache-worker.store.js';
import * as messages from '../cache-worker.messages.js';
import { type CacheWorkerHealthOptions, DEFAULT_DUMP_AGE_INTERVALS, DEFAULT_FAILED_REFRESHES } from './cache-worker-health.options.js';

/** What the tracker follows of one bucket, beyond `stats()`. */
interface BucketHistory {
  /** Full refreshes in a row that failed every key they tried. */
  failedRefreshesInARow: number;
  /** Keys that failed in refreshes since the last refresh without failures. */
  failuresSinceLastSuccess: number;
  lastSuccessfulRefreshAt: number | null;
  /** Last dump written by this process (a dump read at startup does not count). */
  lastDumpWrittenAt: number | null;
}

/** The health of one bucket, as it appears in the health check's details. */
export interface CacheWorkerBucketHealth {
  /** `down` when any of `reasons` holds. */
  status: 'up' | 'down';
  /** Why the bucket is down; absent when it is up. */
  reasons?: string[];
  /** How many entries are cached. */
  entries: number;
  /** Where the bucket came from at startup. */
  startedFrom: CacheWorkerStats['startedFrom'];
  /** When the last full refresh ended (ISO 8601). */
  lastRefreshAt: string | null;
  /** The counts of the last full refresh. */
  lastRefreshResult: Omit<RefreshResult, 'durationMs'> | null;
  /** When the last full refresh without a failed key ended (ISO 8601). */
  lastSuccessfulRefreshAt: string | null;
  /** Consecutive full refreshes in which every key failed. */
  failedRefreshesInARow: number;
  /** Keys that failed in the refreshes since the last one without a failure. */
  failuresSinceLastSuccess: number;
  /** `null` when the bucket has no dump file. */
  dump: {
    /** When the last dump was written since startup (ISO 8601). */
    lastWrittenAt: string | null;
    /** Time since the last dump, or since startup when none was written yet. */
    ageMs: number;
    /** The age past which the bucket is down; `null`: no limit. */
    maxAgeMs: number | null;
    /** Why the last dump failed, if it did. */
    lastError: string | null;
    /** Dumps that could not be written. */
    errors: number;
  } | null;
}

/**
 * Follows every bucket's refreshes and dumps and judges its health. It needs no `@nestjs/terminus`:
 * the health indicator and the cache board both judge with it.
 */
export class BucketHealthTracker {
  private readonly histories = new Map<string, BucketHistory>();
  private startedAt = Date.now();

  constructor(private readonly options: CacheWorkerHealthOptions = {}) {}

  /** Starts following the stores (once they are registered); ages without a dump count from now. */
  follow(stores: Iterable<CacheWorkerStore>): void {
    this.startedAt = Date.now();
    for (const store of stores) {
      const history: BucketHistory = {
        failedRefreshesInARow: 0,
        failuresSinceLastSuccess: 0,
        lastSuccessfulRefreshAt: null,
        lastDumpWrittenAt: null,
      };
      this.histories.set(store.bucket, history);
      engineOf(store).observe({
        refreshed: ({ refreshed, failed }) => {
          if (failed === 0) {
            history.failuresSinceLastSuccess = 0;
            history.lastSuccessfulRefreshAt = Date.now();
          } else {
            history.failuresSinceLastSuccess += failed;
          }
          history.failedRefreshesInARow = failed > 0 && refreshed === 0 ? history.failedRefreshesInARow + 1 : 0;
        },
        dumped: () => (history.lastDumpWrittenAt = Date.now()),
      });
    }
  }

  /** The health of one bucket. */
  bucketHealth(store: CacheWorkerStore): CacheWorkerBucketHealth {
    const stats = store.stats();
    const history = this.histories.get(store.bucket);
    const reasons: string[] = [];
    const failedLimit = this.options.failedRefreshes ?? DEFAULT_FAILED_REFRESHES;
    const failedInARow = history?.failedRefreshesInARow ?? 0;
    if (failedInARow >= failedLimit) reasons.push(messages.healthRefreshesFailed(failedInARow));

    let dump: CacheWorkerBucketHealth['dump'] = null;
    if (store.config.file !== null && store.config.cacheEnabled) {
      const lastWrittenAt = history?.lastDumpWrittenAt ?? null;
      const ageMs = Date.now() - (lastWrittenAt ?? this.startedAt);
      const maxAgeMs = this.maxDumpAge(store.config);
      if (stats.lastDumpError !== null) reasons.push(messages.healthDumpFailing(stats.lastDumpError));
      if (maxAgeMs !== null && ageMs > maxAgeMs) {
        reasons.push(lastWrittenAt === null ? messages.healthNoDumpYet(ageMs, maxAgeMs) : messages.healthDumpTooOld(ageMs, maxAgeMs));
      }
      dump = { lastWrittenAt: iso(lastWrittenAt), ageMs, maxAgeMs, lastError: stats.lastDumpError, errors: stats.dumpErrors };
    }

    return {
      status: reasons.length > 0 ? 'down' : 'up',
      ...(reasons.length > 0 ? { reasons } : {}),
      entries: stats.size,
      startedFrom: stats.startedFrom,
      lastRefreshAt: stats.lastRefreshAt?.toISOString() ?? null,
      lastRefreshResult: stats.lastRefreshResult,
      lastSuccessfulRefreshAt: iso(history?.lastSuccessfulRefreshAt ?? null),
      failedRefreshesInARow: failedInARow,
      failuresSinceLastSuccess: history?.failuresSinceLastSuccess ?? 0,
      dump,
    };
  }

  private maxDumpAge(config: CacheWorkerConfig): number | null {
    if (this.options.maxDumpAge !== undefined) return this.options.maxDumpAge;
    return config.refreshInterval ? config.refreshInterval * DEFAULT_DUMP_AGE_INTERVALS : null;
  }
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
