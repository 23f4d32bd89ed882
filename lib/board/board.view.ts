import { Inject, Injectable, NotFoundException, type OnModuleInit } from '@nestjs/common';
import { CacheWorkerOrchestrator } from '../cache-worker.orchestrator.js';
import { CacheWorkerRegistry } from '../cache-worker.registry.js';
import type { ClusterRole } from '../cluster/index.js';
import { BucketHealthTracker } from '../health/bucket-health.tracker.js';
import type { CacheWorkerStats } from '../interfaces/stats.interface.js';
import type { CacheWorkerStore } from '../store/cache-worker.store.js';
import { valueText } from '../utils/value-text.js';
import * as messages from '../cache-worker.messages.js';
import { BoardSampler } from './board.sampler.js';
import type { BucketHistory } from './bucket-samples.js';
import { parseBoardKey } from './board-key.js';
import { CACHE_WORKER_BOARD_OPTIONS, type ResolvedBoardOptions } from './cache-worker-board.options.js';

/** One bucket as the board shows it. */
export interface BoardBucket {
  /** The bucket's name. */
  bucket: string;
  /** How many entries are cached. */
  entries: number;
  /** The total weight of the entries, for a bucket that reports one. */
  weight?: number;
  /** Reads answered from the bucket since startup. */
  hits: number;
  /** Reads that found no cached value since startup. */
  misses: number;
  /** Hits over reads since startup; `null` before the first read. */
  hitRatio: number | null;
  /** Calls of `load` since startup. */
  loads: number;
  /** Calls of `load` that failed, threw or timed out. */
  loadErrors: number;
  /** Entries evicted to keep a bound, for a bucket that reports them. */
  evictions?: number;
  /** Where the bucket came from at startup. */
  startedFrom: CacheWorkerStats['startedFrom'];
  /** The full refresh. */
  refresh: {
    /** The period of the full refresh; `null`: no periodic refresh. */
    intervalMs: number | null;
    /** When the last full refresh ended (ISO 8601). */
    lastAt: string | null;
    /** The counts of the last full refresh. */
    lastResult: CacheWorkerStats['lastRefreshResult'];
    /** How long the last full refresh took. */
    lastDurationMs: number | null;
    /** Keys that failed in refreshes since startup. */
    failures: number;
  };
  /** The dump; `null` when the bucket has no dump file (or its cache is disabled). */
  dump: {
    /** The dump file. */
    file: string;
    /** When this process last wrote the dump (ISO 8601). */
    lastWrittenAt: string | null;
    /** Time since the last dump written, or since startup before the first. */
    ageMs: number;
    /** Size of the last dump written. */
    bytes: number | null;
    /** Why the last dump failed, if it did. */
    lastError: string | null;
    /** Dumps that could not be written. */
    errors: number;
  } | null;
  /** This instance's part in the bucket's cluster mode. */
  clusterRole: ClusterRole;
  /** The bucket's health, judged as the health indicator does with its default options. */
  health: {
    /** `down` when any of `reasons` holds. */
    status: 'up' | 'down';
    /** Why the bucket is down; absent when it is up. */
    reasons?: string[];
  };
  /** The charts' samples of the last hour. */
  history: BucketHistory;
}

/** What `GET <path>/api/buckets` answers. */
export interface BoardOverview {
  /** When the answer was made (ISO 8601). */
  generatedAt: string;
  /** Whether the board's actions are off. */
  readOnly: boolean;
  /** Whether key lookups show values. */
  showValues: boolean;
  /** How often the charts' samples are taken. */
  sampleIntervalMs: number;
  /** Every bucket, in registration order. */
  buckets: BoardBucket[];
}

/** What a key lookup answers. */
export interface BoardLookup {
  /** The bucket looked in. */
  bucket: string;
  /** Whether the key has a cached value (the lookup never loads it). */
  present: boolean;
  /** The value as text, only when the board shows values and the key is present. */
  value?: string;
  /** In a bucket that keeps ages (entry lifetimes): when the entry was stored (ISO 8601). */
  storedAt?: string;
  /** In a bucket that keeps ages: when the entry was last read (ISO 8601), if it was. */
  lastReadAt?: string | null;
  /** In a bucket that keeps ages: when the entry expires (ISO 8601); null for no expiry. */
  expiresAt?: string | null;
}


/** Reads the buckets for the board: counters, refresh, dump, cluster role, health, history, key lookups. */
@Injectable()
export class BoardView implements OnModuleInit {
  private readonly health = new BucketHealthTracker();

  constructor(
    private readonly registry: CacheWorkerRegistry,
    private readonly orchestrator: CacheWorkerOrchestrator,
    private readonly sampler: BoardSampler,
    @Inject(CACHE_WORKER_BOARD_OPTIONS) private readonly options: ResolvedBoardOptions,
  ) {}

  onModuleInit(): void {
    this.health.follow(this.registry.getStores());
  }

  overview(): BoardOverview {
    const { readOnly, showValues, sampleInterval } = this.options;
    return {
      generatedAt: new Date().toISOString(),
      readOnly,
      showValues,
      sampleIntervalMs: sampleInterval,
      buckets: this.registry.getStores().map((store) => this.bucketView(store)),
    };
  }

  /** The store of a bucket; a 404 naming it when there is none. */
  store(bucket: string): CacheWorkerStore<unknown, unknown> {
    const store = this.registry.getStore(bucket);
    if (store === undefined) throw new NotFoundException(messages.boardUnknownBucket(bucket));
    return store;
  }

  /** Whether the key is cached (never loading it), and its value as text when values are shown. */
  lookup(bucket: string, key: unknown, format: unknown): BoardLookup {
    const store = this.store(bucket);
    const parsed = parseBoardKey(key, format);
    const entry = store.inspect(parsed); // counts as no read, like the rest of the board
    if (entry === undefined) return { bucket, present: false };
    const answer: BoardLookup = { bucket, present: true };
    if (this.options.showValues) answer.value = valueText(entry.value);
    if (entry.storedAt !== null) {
      answer.storedAt = new Date(entry.storedAt).toISOString();
      answer.lastReadAt = entry.lastReadAt === null ? null : new Date(entry.lastReadAt).toISOString();
      answer.expiresAt = entry.expiresAt === null ? null : new Date(entry.expiresAt).toISOString();
    }
    return answer;
  }

  private bucketView(store: CacheWorkerStore): BoardBucket {
    const stats = store.stats();
    const health = this.health.bucketHealth(store);
    const reads = stats.hits + stats.misses;
    const view: BoardBucket = {
      bucket: stats.bucket,
      entries: stats.size,
      hits: stats.hits,
      misses: stats.misses,
      hitRatio: reads > 0 ? stats.hits / reads : null,
      loads: stats.loads,
      loadErrors: stats.loadErrors,
      startedFrom: stats.startedFrom,
      refresh: {
        intervalMs: store.config.refreshInterval,
        lastAt: stats.lastRefreshAt?.toISOString() ?? null,
        lastResult: stats.lastRefreshResult,
        lastDurationMs: stats.lastRefreshDurationMs,
        failures: stats.refreshFailures,
      },
      dump: health.dump && {
        file: store.config.file!,
        lastWrittenAt: health.dump.lastWrittenAt,
        ageMs: health.dump.ageMs,
        bytes: stats.lastDumpBytes,
        lastError: health.dump.lastError,
        errors: health.dump.errors,
      },
      clusterRole: this.orchestrator.clusterRole(stats.bucket),
      health: { status: health.status, ...(health.reasons ? { reasons: health.reasons } : {}) },
      history: this.sampler.history(stats.bucket),
    };
    // A bound's counters are shown for the buckets that have that bound, not as zeros for all.
    const { maxEntries, maxWeight } = store.config;
    if (maxEntries !== null || maxWeight !== null) view.evictions = stats.evictions;
    if (stats.weight !== null) view.weight = stats.weight;
    return view;
  }
}
