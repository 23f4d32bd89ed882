import { performance } from 'node:perf_hooks';
import type { CacheWorkerConfig } from '../interfaces/cache-worker-config.interface.js';
import type {
  DumpResult,
  FetchNoSaveResult,
  FetchOptions,
  FetchResult,
  RefreshResult,
} from '../interfaces/fetch-result.interface.js';
import type { CacheWorkerStats } from '../interfaces/stats.interface.js';
import { CacheWorkerDumpError, CacheWorkerStopError } from '../errors/cache-worker.errors.js';
import { describeError, describeKey } from '../utils/describe.js';
import { checkTimeoutOption } from '../config/validate-config.js';
import * as messages from '../cache-worker.messages.js';
import type { CacheWorkerLogger } from './logger.interface.js';
import { isThenable, LoadRunner, type LoadFunction, type LoadOutcome } from './load-runner.js';
import type { BucketChange, EngineObserver } from './engine-observer.js';
import { ValueKeyedMap } from './value-keyed-map.js';
import { StatsCounters } from './stats.js';
import { runPool } from './refresh-pool.js';
import { entriesOf } from './entries-of.js';
import { quarantineDumpFile, readDumpFile, removeStaleTempFiles } from './dump-file.js';
import { DumpScheduler } from './dump-scheduler.js';
import { encodeDump, type EncodedDump } from './dump-codec.js';
import type { DecodedDump } from './dump-decoder.js';

/** The user's callbacks, bound to their store. */
export interface StoreCallbacks<K, V> {
  load: LoadFunction<K>;
  init?: (config: CacheWorkerConfig) => unknown;
  refreshFilter?: (key: K, newValue: V, oldValue: V) => unknown;
  revive?: (value: unknown) => V;
}

/** One load shared by every concurrent reader of a key. */
interface Flight<V> {
  promise: Promise<LoadOutcome<V>>;
  /** Whether the value is stored: true as soon as one sharing caller wants it saved. */
  save: boolean;
  /** The `fetch` result every reader without its own timeout shares, made on the first such read. */
  result?: Promise<FetchResult<V>>;
  /** The app wrote the key while this load ran: a full refresh must not store its value over the write. */
  superseded?: boolean;
}

const SAMPLE_FAILURES = 3;
/** How many flights end before their Map is renewed (see `endFlight`). */
const RENEW_FLIGHTS_AFTER = 1024;

/** What a full refresh did with one key. */
type RefreshVerdict = 'refreshed' | 'failed' | 'skipped';

/**
 * The cache engine of one bucket: entries, single-flight loads, full refresh, dumps and statistics.
 * It knows nothing of Nest; the Nest shell creates it with a resolved config and a logger.
 */
export class CacheEngine<K, V> {
  readonly counters = new StatsCounters();
  private readonly entries = new ValueKeyedMap<K, V>();
  private flights = new ValueKeyedMap<K, Flight<V>>();
  /** Flights ended since `flights` was last renewed. */
  private flightsEnded = 0;
  private readonly runner: LoadRunner<K>;
  private refreshing: Promise<RefreshResult> | null = null;
  private readonly dumps: DumpScheduler;
  private closing = false;
  private readonly observers: EngineObserver<K, V>[] = [];

  constructor(
    readonly config: CacheWorkerConfig,
    private readonly callbacks: StoreCallbacks<K, V>,
    private readonly logger: CacheWorkerLogger,
  ) {
    this.runner = new LoadRunner(
      callbacks.load,
      logger,
      (key) => this.keyText(key),
      (key, outcome, started) => {
        if (this.observers.length === 0) return; // one call per load: skip building the arguments
        const durationMs = performance.now() - started;
        if (outcome.ok) this.notify('loaded', key, durationMs);
        else this.notify('loadFailed', key, outcome.error, durationMs);
      },
    );
    this.dumps = new DumpScheduler(config, this.entries, this.counters, logger, {
      dumped: (result) => this.notify('dumped', result),
      dumpFailed: (error) => this.notify('dumpFailed', error),
    });
  }

  /** Adds an integration that hears about loads, refreshes, dumps and changes. */
  observe(observer: EngineObserver<K, V>): void {
    this.observers.push(observer);
  }

  private notify<E extends keyof EngineObserver<K, V>>(
    event: E,
    ...args: Parameters<NonNullable<EngineObserver<K, V>[E]>>
  ): void {
    for (const observer of this.observers) this.tell(observer, event, args);
  }

  /** Calls one observer's listener and returns what it returned; a throw is logged, never passed on. */
  private tell<E extends keyof EngineObserver<K, V>>(
    observer: EngineObserver<K, V>,
    event: E,
    args: Parameters<NonNullable<EngineObserver<K, V>[E]>>,
  ): unknown {
    const listener = observer[event] as ((...a: typeof args) => unknown) | undefined;
    if (!listener) return undefined;
    try {
      return listener.apply(observer, args);
    } catch (error) {
      this.logger.warn(messages.observerThrew(event, describeError(error)));
      return undefined;
    }
  }

  // ---- reads: the hit path first, and it stays this short ----

  fetch(key: K, options?: FetchOptions): Promise<FetchResult<V>> {
    try {
      if (options === undefined || options.reload !== true) {
        const value = this.entries.get(key);
        if (value !== undefined || this.entries.has(key)) {
          this.counters.hits++;
          return Promise.resolve({ ok: true, value: value as V });
        }
      }
      return this.loadThrough(key, options);
    } catch (error) {
      return Promise.resolve({ ok: false, error: messages.invalidKey(describeError(error)) });
    }
  }

  async fetchNoSave(key: K, options?: FetchOptions): Promise<FetchNoSaveResult<V>> {
    try {
      if (options?.reload !== true) {
        const value = this.entries.get(key);
        if (value !== undefined || this.entries.has(key)) {
          this.counters.hits++;
          return { ok: true, value: value as V, loaded: false };
        }
      }
      this.counters.misses++;
      const outcome = await this.shared(key, false, options?.timeout);
      return outcome.ok ? { ok: true, value: outcome.value, loaded: true } : { ok: false, error: outcome.error };
    } catch (error) {
      return { ok: false, error: messages.invalidKey(describeError(error)) };
    }
  }

  peek(key: K): V | undefined {
    try {
      return this.entries.get(key);
    } catch {
      return undefined;
    }
  }

  has(key: K): boolean {
    try {
      return this.entries.has(key);
    } catch {
      return false;
    }
  }

  keys(): K[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): CacheWorkerStats {
    return this.counters.snapshot(this.config.bucket, this.entries.size);
  }

  // ---- writes ----

  set(key: K, value: V): void {
    if (!this.config.cacheEnabled) return;
    this.applyChange({ type: 'set', key, value }, true);
  }

  delete(key: K): boolean {
    return this.applyChange({ type: 'delete', key }, true);
  }

  invalidate(key: K): boolean {
    return this.applyChange({ type: 'invalidate', key }, true);
  }

  clear(): void {
    this.applyChange({ type: 'clear' }, true);
  }

  /**
   * Applies a change; returns whether the bucket changed. `announce` tells the observers: cluster mode
   * applies the changes of other instances without it, so they aren't sent back.
   */
  applyChange(change: BucketChange<K, V>, announce = false): boolean {
    let changed = true;
    if (change.type === 'set') {
      if (!this.config.cacheEnabled) return false;
      this.entries.set(change.key, change.value);
    } else if (change.type === 'clear') {
      changed = this.entries.size > 0;
      this.entries.clear();
    } else {
      changed = this.entries.delete(change.key);
    }
    if (this.flights.size > 0) this.supersedeLoads(change);
    if (changed) this.markDirty();
    if (announce && this.observers.length > 0) this.notify('changed', change);
    return changed;
  }

  /**
   * A write wins over the loads of its key already in flight: their callers still get the loaded value,
   * but it is not stored over the write (a read that joins the load afterwards may still save it).
   */
  private supersedeLoads(change: BucketChange<K, V>): void {
    const supersede = (flight: Flight<V>) => {
      flight.save = false;
      flight.superseded = true;
    };
    if (change.type === 'clear') for (const [, flight] of this.flights) supersede(flight);
    else {
      const flight = this.flights.get(change.key);
      if (flight) supersede(flight);
    }
  }

  /** Stores a value another instance loaded on a read, with its `extra` entries, without announcing it. */
  applyLoaded(key: K, value: V, extra: unknown): void {
    this.storeLoaded(key, { value, extra });
  }

  /**
   * Applies another instance's snapshot (keys and values alternating, as in a dump): each key cached
   * here takes the snapshot's value; keys not cached here are not added, since they may have been
   * deleted after the snapshot was taken. Returns the cached keys the snapshot lacks.
   */
  applySnapshot(flat: unknown[]): K[] {
    const seen = new ValueKeyedMap<K, true>();
    let updated = false;
    this.eachRevived(flat, (key, value) => {
      seen.set(key, true);
      if (!this.entries.has(key)) return;
      this.entries.set(key, value);
      updated = true;
    });
    if (updated) this.markDirty();
    return this.keys().filter((key) => !seen.has(key));
  }

  /** The whole bucket in the dump format, in memory: the shared snapshot of cluster mode. */
  encodeSnapshot(): Promise<EncodedDump> {
    return encodeDump(this.config.bucket, this.entries);
  }

  // ---- loads ----

  private loadThrough(key: K, options: FetchOptions | undefined): Promise<FetchResult<V>> {
    this.counters.misses++;
    const save = options?.skipSave !== true;
    const timeout = options?.timeout;
    if (timeout !== undefined) return this.shared(key, save, timeout).then(toFetchResult);
    const flight = this.flights.get(key) ?? this.startFlight(key, this.config.loadTimeout, 'warn');
    if (save) flight.save = true;
    // One result for every reader of the flight: a storm of misses on one key allocates nothing per read.
    return (flight.result ??= flight.promise.then(toFetchResult));
  }

  /** Joins the load of `key` in flight, or starts one; a caller's own timeout bounds only its wait. */
  private shared(key: K, save: boolean, timeout: number | undefined): Promise<LoadOutcome<V>> {
    if (timeout !== undefined) {
      // Node's timers turn Infinity and other out-of-range delays into 1 ms: reject them clearly instead.
      const invalid = checkTimeoutOption(this.config.bucket, timeout);
      if (invalid !== null) {
        this.logger.warn(invalid);
        return Promise.resolve({ ok: false, error: invalid });
      }
    }
    const existing = this.flights.get(key);
    if (existing === undefined) {
      const flight = this.startFlight(key, timeout ?? this.config.loadTimeout, 'warn');
      flight.save = save;
      return flight.promise;
    }
    if (save) existing.save = true;
    return timeout === undefined || timeout === 0 ? existing.promise : waitAtMost(existing.promise, timeout); // 0: no bound, as loadTimeout
  }

  private startFlight(key: K, timeoutMs: number, failureLevel: 'warn' | 'debug'): Flight<V> {
    if (this.closing) {
      return { save: false, promise: Promise.resolve({ ok: false, error: messages.loadAborted() }) };
    }
    this.counters.loads++;
    const flight: Flight<V> = { save: false, promise: undefined as never };
    flight.promise = new Promise((resolve) =>
      this.runner.start<V>(key, timeoutMs, failureLevel, (outcome) => {
        this.endFlight(key);
        if (!outcome.ok) this.counters.loadErrors++;
        else if (flight.save && this.storeLoaded(key, outcome) && this.observers.length > 0) {
          this.notify('loadStored', key, outcome.value, outcome.extra);
        }
        resolve(outcome);
      }),
    );
    this.flights.set(key, flight);
    return flight;
  }

  /**
   * Forgets the flight of `key`. A refresh adds and deletes one flight per key: once a Map that sees
   * such churn is old, V8 allocates each of its rehashed tables in old space, and those dead tables
   * keep every young flight alive through the next scavenge. A new Map now and then keeps it young.
   */
  private endFlight(key: K): void {
    this.flights.delete(key);
    if (++this.flightsEnded < RENEW_FLIGHTS_AFTER) return;
    this.flightsEnded = 0;
    this.flights = this.flights.copy();
  }

  private storeLoaded(key: K, outcome: { value: V; extra: unknown }): boolean {
    if (!this.config.cacheEnabled) return false;
    this.entries.set(key, outcome.value);
    if (outcome.extra !== undefined && outcome.extra !== null) {
      try {
        for (const [extraKey, extraValue] of entriesOf(outcome.extra)) this.entries.set(extraKey as K, extraValue as V);
      } catch (error) {
        this.logger.warn(messages.loadExtraInvalid(this.keyText(key), describeError(error)));
      }
    }
    this.markDirty();
    return true;
  }

  // ---- full refresh ----

  fullRefresh(): Promise<RefreshResult> {
    this.refreshing ??= this.runRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** A timer tick: starts a refresh unless one is running (refreshes never overlap). */
  refreshTick(): void {
    if (this.refreshing) {
      this.counters.refreshesSkipped++;
      this.logger.debug(messages.refreshSkippedTick());
      return;
    }
    void this.fullRefresh();
  }

  private async runRefresh(): Promise<RefreshResult> {
    const started = performance.now();
    const result = { refreshed: 0, failed: 0, skipped: 0, durationMs: 0 };
    const failures: string[] = [];
    try {
      const keys = [...this.entries.keys()];
      await runPool(
        keys,
        this.config.refreshConcurrency,
        async (key) => {
          const flight = this.flights.get(key) ?? this.startFlight(key, this.config.loadTimeout, 'debug');
          const outcome = await flight.promise;
          let verdict = !outcome.ok ? 'failed' : flight.superseded ? 'skipped' : this.applyRefreshed(key, outcome);
          if (typeof verdict !== 'string') verdict = await verdict; // only an async refreshFilter waits
          result[verdict]++;
          if (!outcome.ok && failures.length < SAMPLE_FAILURES) failures.push(`${this.keyText(key)}: ${outcome.error}`);
        },
        () => this.closing,
      );
    } catch (error) {
      this.logger.error(messages.refreshCrashed(describeError(error)));
    }
    result.durationMs = performance.now() - started;
    this.recordRefresh(result, failures);
    this.notify('refreshed', result);
    if (this.config.file && !this.closing) await this.dump();
    return result;
  }

  private applyRefreshed(key: K, outcome: { value: V; extra: unknown }): RefreshVerdict | Promise<RefreshVerdict> {
    if (!this.entries.has(key)) return 'skipped'; // deleted while the refresh ran: don't bring it back
    if (!this.callbacks.refreshFilter) {
      this.storeLoaded(key, outcome);
      return 'refreshed';
    }
    let keep: unknown;
    try {
      keep = this.callbacks.refreshFilter(key, outcome.value, this.entries.get(key) as V);
    } catch (error) {
      return this.refreshFilterFailed(key, error);
    }
    // An async filter is awaited; its rejection is caught like a throw, never left unhandled.
    if (isThenable(keep)) {
      return Promise.resolve(keep).then(
        (kept) => this.storeRefreshed(key, outcome, kept),
        (error: unknown) => this.refreshFilterFailed(key, error),
      );
    }
    return this.storeRefreshed(key, outcome, keep);
  }

  /** Stores a reloaded value, unless the filter said `false` or the key was deleted meanwhile. */
  private storeRefreshed(key: K, outcome: { value: V; extra: unknown }, keep: unknown): RefreshVerdict {
    if (keep === false || !this.entries.has(key)) return 'skipped';
    this.storeLoaded(key, outcome);
    return 'refreshed';
  }

  private refreshFilterFailed(key: K, error: unknown): RefreshVerdict {
    this.logger.warn(messages.refreshFilterThrew(this.keyText(key), describeError(error)));
    return 'failed';
  }

  private recordRefresh(result: RefreshResult, failures: string[]): void {
    const { refreshed, failed, skipped, durationMs } = result;
    this.counters.refreshes++;
    this.counters.refreshFailures += failed;
    this.counters.lastRefreshAt = Date.now();
    this.counters.lastRefreshDurationMs = durationMs;
    this.counters.lastRefreshResult = { refreshed, failed, skipped };
    this.logger.log(messages.refreshSummary(refreshed, failed, skipped, durationMs));
    if (failed > 0 && failures.length > 0) this.logger.warn(messages.refreshFailures(failed, failures));
  }

  // ---- dumps ----

  /** The store's `dump()`: writes the dump, and waits for what the observers do too (cluster mode shares a snapshot). */
  async requestDump(): Promise<DumpResult> {
    if (this.observers.length === 0) return this.dump();
    const shares = this.observers.map((observer) =>
      Promise.resolve(this.tell(observer, 'dumpRequested', [])).catch((error: unknown) =>
        this.logger.warn(messages.observerThrew('dumpRequested', describeError(error))),
      ),
    );
    const [result] = await Promise.all([this.dump(), ...shares]);
    return result;
  }

  /** Writes the dump now (after any write in progress); never rejects. */
  dump(): Promise<DumpResult> {
    return this.dumps.dump();
  }

  /** Coalesces the dumps that changes ask for into one write after `dumpDelay`. */
  private markDirty(): void {
    this.dumps.schedule();
  }

  // ---- lifecycle ----

  /**
   * Startup: fill the bucket from the newest of the dump and the `shared` snapshot (cluster mode), or
   * run `init` when neither could be read.
   */
  async start(shared?: () => Promise<DecodedDump | null>): Promise<void> {
    const { file, cacheEnabled } = this.config;
    const started = performance.now();
    let local: DecodedDump | null = null;
    if (file && cacheEnabled) {
      const removed = await removeStaleTempFiles(file);
      if (removed > 0) this.logger.debug(messages.staleTempRemoved(removed));
      local = await this.readDump(file);
    }
    const remote = shared && cacheEnabled ? await shared() : null;
    if (remote !== null && (local === null || remote.createdAt > local.createdAt)) {
      this.eachRevived(remote.flat, (key, value) => this.entries.set(key, value));
      this.counters.startedFrom = 'snapshot';
      this.logger.log(messages.snapshotLoaded(this.entries.size, performance.now() - started));
      if (local !== null) this.markDirty(); // the dump on disk is older: bring it up to date
      return;
    }
    if (local !== null) {
      this.eachRevived(local.flat, (key, value) => this.entries.set(key, value));
      this.counters.startedFrom = 'dump';
      this.counters.lastDumpAt = local.createdAt;
      this.logger.log(messages.dumpLoaded(this.entries.size, file!, performance.now() - started));
      return;
    }
    this.counters.startedFrom = this.callbacks.init ? 'init' : 'empty';
    await this.runInit();
  }

  /** Reads this bucket's dump; a missing or unusable one (moved aside) gives null. */
  private async readDump(file: string): Promise<DecodedDump | null> {
    try {
      return await readDumpFile(file, this.config.bucket);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.logger.debug(messages.dumpMissing(file));
        return null;
      }
      const reason = error instanceof CacheWorkerDumpError ? error.message : describeError(error);
      const keptAs = await quarantineDumpFile(file);
      this.logger.warn(messages.dumpUnreadable(file, reason, keptAs));
      return null;
    }
  }

  /** Passes each entry of a dump or snapshot through `revive`; entries it throws for are left out, and logged. */
  private eachRevived(flat: unknown[], store: (key: K, value: V) => void): void {
    const { revive } = this.callbacks;
    let failures = 0;
    let firstError = '';
    for (let i = 0; i < flat.length; i += 2) {
      let value = flat[i + 1] as V;
      if (revive) {
        try {
          value = revive(value);
          if (isThenable(value)) {
            Promise.resolve(value).catch(() => undefined); // a rejection must not go unhandled
            throw new Error(messages.reviveReturnedPromise());
          }
        } catch (error) {
          if (failures++ === 0) firstError = describeError(error);
          continue;
        }
      }
      store(flat[i] as K, value);
    }
    if (failures > 0) this.logger.warn(messages.reviveFailed(failures, firstError));
  }

  private async runInit(): Promise<void> {
    if (!this.callbacks.init) return;
    let result: unknown;
    try {
      result = await this.callbacks.init(this.config);
    } catch (error) {
      this.logger.warn(messages.initThrew(describeError(error)));
      return;
    }
    if (result === undefined || result === null) return;
    if (typeof result !== 'object') {
      this.logger.warn(messages.initInvalidResult());
      return;
    }
    const answer = result as { ok?: unknown; seed?: unknown; warn?: unknown; error?: unknown; stop?: unknown };
    if ('stop' in answer) throw new CacheWorkerStopError(messages.initStopped(this.config.bucket, String(answer.stop)));
    if ('warn' in answer) this.logger.warn(messages.initWarned(String(answer.warn)));
    else if (answer.ok === false || 'error' in answer) this.logger.error(messages.initFailed(describeError(answer.error)));
    else if (answer.ok === true) await this.applySeed(answer.seed);
    else this.logger.warn(messages.initInvalidResult());
  }

  private async applySeed(seed: unknown): Promise<void> {
    if (seed === undefined || seed === null || !this.config.cacheEnabled) return;
    try {
      for (const [key, value] of entriesOf(seed)) this.entries.set(key as K, value as V);
    } catch (error) {
      this.logger.warn(messages.initSeedInvalid(describeError(error)));
      return;
    }
    if (this.config.file) await this.dump();
  }

  /**
   * Shutdown: no new loads, in-flight loads aborted through their signal and awaited at most
   * `shutdownTimeout`, the running refresh drained, then the final dump.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.dumps.stop();
    this.runner.abortAll();
    const stuck = await this.runner.waitForPending(this.config.shutdownTimeout);
    if (stuck > 0) this.logger.warn(messages.shutdownWaitExpired(stuck, this.config.shutdownTimeout));
    if (this.refreshing) await this.refreshing;
    if (this.config.file && this.config.cacheEnabled) await this.dump();
  }

  private keyText(key: K): string {
    return describeKey(key, this.config.redactKeys);
  }
}

function toFetchResult<V>(outcome: LoadOutcome<V>): FetchResult<V> {
  return outcome.ok ? { ok: true, value: outcome.value } : { ok: false, error: outcome.error };
}

/** A caller's own bound on a shared load: it stops waiting, the load goes on for the others. */
function waitAtMost<V>(promise: Promise<LoadOutcome<V>>, ms: number): Promise<LoadOutcome<V>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: messages.loadTimedOut(ms) }), ms);
    void promise.then((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}
