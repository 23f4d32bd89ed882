import { performance } from 'node:perf_hooks';
import type { CacheWorkerConfig } from '../../interfaces/cache-worker-config.interface.js';
import type { RefreshResult } from '../../interfaces/fetch-result.interface.js';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import type { Bucket } from '../bucket/index.js';
import type { TracerSlot } from '../engine-tracer.js';
import { isThenable, type Flight, type Flights, type LoadedOutcome } from '../loading/index.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { StatsCounters } from '../stats.js';
import { runPool } from './refresh-pool.js';

const SAMPLE_FAILURES = 3;

/** What a full refresh did with one key. */
type RefreshVerdict = 'refreshed' | 'failed' | 'skipped';

/** What a refresh needs from the engine around it. */
export interface RefreshHost<K, V> {
  refreshFilter?: (key: K, newValue: V, oldValue: V) => unknown;
  /** Stores a reloaded value (with its `extra` entries). */
  store(key: K, outcome: LoadedOutcome<V>): void;
  /** Removes the entries past their age or idle time, so that the refresh does not reload them; null when none is due. */
  sweep(): Promise<void> | null;
  /** Tells the observers the refresh ended. */
  refreshed(result: RefreshResult): void;
  /** Writes the dump after the refresh. */
  dump(): Promise<unknown>;
  keyText(key: K): string;
  closing(): boolean;
}

/**
 * The full refresh: reloads every cached key through a bounded pool (of `loadMany` calls of
 * `batchSize` keys, when the store has `loadMany`), stores what the filter keeps and
 * never brings back a key deleted or written meanwhile, then records, logs and dumps the outcome.
 * Refreshes never overlap.
 */
export class Refresher<K, V> {
  private running: Promise<RefreshResult> | null = null;

  constructor(
    private readonly config: CacheWorkerConfig,
    private readonly bucket: Bucket<K, V>,
    private readonly flights: Flights<K, V>,
    private readonly counters: StatsCounters,
    private readonly logger: CacheWorkerLogger,
    private readonly tracing: TracerSlot<K>,
    private readonly host: RefreshHost<K, V>,
  ) {}

  /** Reloads every cached key now; joins the refresh already running, if any. */
  refresh(): Promise<RefreshResult> {
    if (this.running === null) {
      const tracer = this.tracing.current;
      const run = tracer === null ? this.run() : tracer.refresh(() => this.run());
      this.running = run.finally(() => (this.running = null));
    }
    return this.running;
  }

  /** A timer tick: starts a refresh unless one is running. */
  tick(): void {
    if (this.running) {
      this.counters.refreshesSkipped++;
      this.logger.debug(messages.refreshSkippedTick());
      return;
    }
    void this.refresh();
  }

  /** Waits for the refresh running, if any (shutdown drains it). */
  async drain(): Promise<void> {
    if (this.running) await this.running;
  }

  private async run(): Promise<RefreshResult> {
    const started = performance.now();
    const result = { refreshed: 0, failed: 0, skipped: 0, durationMs: 0 };
    const failures: string[] = [];
    const settle = (key: K, flight: Flight<V>) => this.settle(key, flight, result, failures);
    try {
      const sweeping = this.host.sweep();
      if (sweeping !== null) await sweeping;
      const keys = this.bucket.keyList();
      const { refreshConcurrency, batchSize } = this.config;
      if (this.flights.batched) {
        // At most refreshConcurrency loadMany calls in flight, each of batchSize keys.
        const batches: K[][] = [];
        for (let i = 0; i < keys.length; i += batchSize) batches.push(keys.slice(i, i + batchSize));
        await runPool(
          batches,
          refreshConcurrency,
          async (batch) => {
            const flights = this.flights.forRefreshBatch(batch);
            await Promise.all(batch.map((key, i) => settle(key, flights[i]!)));
          },
          this.host.closing,
        );
      } else {
        await runPool(keys, refreshConcurrency, (key) => settle(key, this.flights.forRefresh(key)), this.host.closing);
      }
    } catch (error) {
      this.logger.error(messages.refreshCrashed(describeError(error)));
    }
    result.durationMs = performance.now() - started;
    this.record(result, failures);
    this.host.refreshed(result);
    if (this.config.file && !this.host.closing()) await this.host.dump();
    return result;
  }

  /** Waits for the reload of `key` and counts what became of it. */
  private async settle(key: K, flight: Flight<V>, result: RefreshResult, failures: string[]): Promise<void> {
    const outcome = await flight.promise;
    if (!outcome.ok) this.bucket.expireIfDead(key); // a failed refresh does not keep a value past its age
    let verdict = !outcome.ok ? 'failed' : flight.superseded ? 'skipped' : this.apply(key, outcome);
    if (typeof verdict !== 'string') verdict = await verdict; // only an async refreshFilter waits
    result[verdict]++;
    if (!outcome.ok && failures.length < SAMPLE_FAILURES) failures.push(`${this.host.keyText(key)}: ${outcome.error}`);
  }

  private apply(key: K, outcome: LoadedOutcome<V>): RefreshVerdict | Promise<RefreshVerdict> {
    if (!this.bucket.has(key)) return 'skipped'; // deleted while the refresh ran: don't bring it back
    const { refreshFilter } = this.host;
    if (!refreshFilter) {
      this.host.store(key, outcome);
      return 'refreshed';
    }
    let keep: unknown;
    try {
      keep = refreshFilter(key, outcome.value, this.bucket.get(key) as V);
    } catch (error) {
      return this.filterFailed(key, error);
    }
    // An async filter is awaited; its rejection is caught like a throw, never left unhandled.
    if (isThenable(keep)) {
      return Promise.resolve(keep).then(
        (kept) => this.storeKept(key, outcome, kept),
        (error: unknown) => this.filterFailed(key, error),
      );
    }
    return this.storeKept(key, outcome, keep);
  }

  /** Stores a reloaded value, unless the filter said `false` or the key was deleted meanwhile. */
  private storeKept(key: K, outcome: LoadedOutcome<V>, keep: unknown): RefreshVerdict {
    if (keep === false || !this.bucket.has(key)) return 'skipped';
    this.host.store(key, outcome);
    return 'refreshed';
  }

  private filterFailed(key: K, error: unknown): RefreshVerdict {
    this.logger.warn(messages.refreshFilterThrew(this.host.keyText(key), describeError(error)));
    return 'failed';
  }

  private record(result: RefreshResult, failures: string[]): void {
    const { refreshed, failed, skipped, durationMs } = result;
    this.counters.refreshes++;
    this.counters.refreshFailures += failed;
    this.counters.lastRefreshAt = Date.now();
    this.counters.lastRefreshDurationMs = durationMs;
    this.counters.lastRefreshResult = { refreshed, failed, skipped };
    this.logger.log(messages.refreshSummary(refreshed, failed, skipped, durationMs));
    if (failed > 0 && failures.length > 0) this.logger.warn(messages.refreshFailures(failed, failures));
  }
}
