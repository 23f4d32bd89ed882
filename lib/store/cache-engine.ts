import { performance } from 'node:perf_hooks';
import type { CacheWorkerConfig } from '../interfaces/cache-worker-config.interface.js';
import type {
  DumpResult,
  FetchNoSaveResult,
  FetchOptions,
  FetchResult,
  EntryInspection,
  RefreshResult,
  SetOptions,
} from '../interfaces/fetch-result.interface.js';
import type { CacheWorkerStats } from '../interfaces/stats.interface.js';
import { checkEntryAge } from '../config/validate-config.js';
import { CacheWorkerKeyError } from '../errors/cache-worker.errors.js';
import { describeError, describeKey } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { Bucket, bucketBounds, Sweeper } from './bucket/index.js';
import { EarlyCalls } from './early-calls.js';
import type { BucketChange, EngineObserver } from './engine-observer.js';
import { type EngineTracer, TracerSlot } from './engine-tracer.js';
import { entriesOf } from './entries-of.js';
import { FailureBackoff, Flights, LoadRunner, type LoadedOutcome } from './loading/index.js';
import type { CacheWorkerLogger } from './logger.interface.js';
import { ObserverList } from './observer-list.js';
import { DumpScheduler, encodeChunks, SnapshotApplication, StartUp, type DumpChunks, type EncodedChunk } from './persistence/index.js';
import { Refresher } from './refresh/index.js';
import { StatsCounters } from './stats.js';
import type { StoreCallbacks } from './store-callbacks.js';

export type { StoreCallbacks } from './store-callbacks.js';

/**
 * The cache engine of one bucket, as the store calls it: it wires the bucket's entries, its loads,
 * its refresh and its persistence, and answers a read that hits itself. It knows nothing of Nest;
 * the Nest shell creates it with a resolved config and a logger.
 */
export class CacheEngine<K, V> {
  readonly counters = new StatsCounters();
  private readonly bucket: Bucket<K, V>;
  private readonly observers: ObserverList<K, V>;
  private readonly tracing = new TracerSlot<K>();
  private readonly flights: Flights<K, V>;
  private readonly refresher: Refresher<K, V>;
  private readonly dumps: DumpScheduler;
  private readonly startUp: StartUp<K, V>;
  private readonly sweeper: Sweeper<K, V>;
  /** Failed loads whose error reads get without loading, for `failureBackoff` or the load's `retryAfter`. */
  private readonly backoff: FailureBackoff<K>;
  private readonly snapshots: SnapshotApplication<K, V>;
  private closing = false;
  /** The calls made before start-up filled the bucket (`null` after). */
  private early: EarlyCalls<K, V> | null = new EarlyCalls();

  constructor(
    readonly config: CacheWorkerConfig,
    callbacks: StoreCallbacks<K, V>,
    private readonly logger: CacheWorkerLogger,
  ) {
    const observers = (this.observers = new ObserverList<K, V>(logger));
    const keyText = (key: K) => this.keyText(key);
    const { maxAge, expireAfterIdle, refreshAfter } = config;
    const bucket = (this.bucket = new Bucket<K, V>(bucketBounds(config, callbacks, logger, keyText), { maxAge, expireAfterIdle, refreshAfter }));
    const backoff = (this.backoff = new FailureBackoff<K>(config.failureBackoff));
    const sweeper = (this.sweeper = new Sweeper(
      bucket,
      () => this.dumps.schedule(),
      (now) => backoff.prune(now),
    ));
    bucket.onLifetimesStarted = () => sweeper.start();
    bucket.onStale = (key) => this.refreshOnRead(key);
    if (bucket.ages !== null) sweeper.start();
    const runner = new LoadRunner(
      callbacks,
      logger,
      keyText,
      (key, outcome, started) => {
        if (!observers.listening) return; // one call per load: skip building the arguments
        const durationMs = performance.now() - started;
        if (outcome.ok) observers.notify('loaded', key, durationMs);
        else observers.notify('loadFailed', key, outcome.error, durationMs);
      },
      (report) => observers.notify('batchLoaded', report),
    );
    const batched = callbacks.loadMany !== undefined;
    this.flights = new Flights(
      config,
      runner,
      this.counters,
      logger,
      this.tracing,
      (key, outcome) => {
        if (this.storeLoaded(key, outcome) && observers.listening) {
          observers.notify('loadStored', key, outcome.value, outcome.extra, outcome.maxAge ?? -1);
        }
      },
      (key, outcome) => {
        const until = backoff.failed(key, outcome.error, outcome.retryAfter);
        if (until === null) return;
        sweeper.start(); // its ticks prune the failures whose time is past
        // Told to other instances only for a key not cached: a refresh failing for every key of a bucket
        // (an outage) sends nothing, since reads of a cached key get its value anyway.
        if (observers.listening && !bucket.has(key)) observers.notify('backedOff', key, outcome.error, until);
      },
      batched,
    );
    this.dumps = new DumpScheduler(config, this.bucket, this.counters, logger, this.tracing, {
      dumped: (result) => observers.notify('dumped', result),
      dumpFailed: (error) => observers.notify('dumpFailed', error),
    });
    this.refresher = new Refresher(config, this.bucket, this.flights, this.counters, logger, this.tracing, {
      refreshFilter: callbacks.refreshFilter,
      store: (key, outcome) => this.storeLoaded(key, outcome, true),
      sweep: () => this.sweeper.sweepDue(),
      refreshed: (result) => observers.notify('refreshed', result),
      dump: () => this.dump(),
      keyText,
      closing: () => this.closing,
    });
    this.startUp = new StartUp(config, this.bucket, this.counters, logger, callbacks, this.dumps);
    this.snapshots = new SnapshotApplication(bucket, config.maxAge, callbacks.revive, logger);
  }

  /** Adds an integration that hears about loads, refreshes, dumps and changes. */
  observe(observer: EngineObserver<K, V>): void {
    this.observers.add(observer);
    if (observer.evicted && this.bucket.onEvicted === null) {
      this.bucket.onEvicted = (key, cause) => this.observers.notify('evicted', key, cause);
    }
  }

  /** Sets the tracer that follows every load, refresh, dump and snapshot from then on (one per engine: it replaces any before). */
  traceWith(tracer: EngineTracer<K>): void {
    this.tracing.current = tracer;
  }

  /** The tracer set by `traceWith`, for what runs beside the engine (cluster mode's snapshots). */
  get tracer(): EngineTracer<K> | null {
    return this.tracing.current;
  }

  // ---- reads: the hit path first, and it stays this short ----

  fetch(key: K, options?: FetchOptions): Promise<FetchResult<V>> {
    try {
      if (options === undefined || options.reload !== true) {
        const value = this.bucket.read(key);
        if (value !== undefined || this.bucket.has(key)) {
          this.counters.hits++;
          return Promise.resolve({ ok: true, value: value as V, loaded: false });
        }
      }
      if (this.early !== null) return this.early.filled.then(() => this.fetch(key, options));
      this.counters.misses++;
      if (this.backoff.size > 0) {
        const failed = this.backedOff(key);
        if (failed !== null) return Promise.resolve(failed);
      }
      return this.flights.fetch(key, options);
    } catch (error) {
      return Promise.resolve({ ok: false, error: messages.invalidKey(describeError(error)) });
    }
  }

  /**
   * `fetch` of many keys, answered in their order: hits at once, misses through their flights, so the
   * misses of one call share `loadMany` calls (or call `load` once per distinct key).
   */
  fetchMany(keys: Iterable<K>, options?: FetchOptions): Promise<FetchResult<V>[]> {
    const list = listOf(keys);
    if (list === null) {
      this.logger.warn(messages.invalidKeys(this.config.bucket, 'fetchMany'));
      return Promise.resolve([]);
    }
    if (this.early !== null) return this.early.filled.then(() => this.fetchMany(list, options));
    const reload = options?.reload === true;
    const results = new Array<FetchResult<V> | Promise<FetchResult<V>>>(list.length);
    let loading = false;
    for (let i = 0; i < list.length; i++) {
      const key = list[i]!;
      try {
        if (!reload) {
          const value = this.bucket.read(key);
          if (value !== undefined || this.bucket.has(key)) {
            this.counters.hits++;
            results[i] = { ok: true, value: value as V, loaded: false };
            continue;
          }
        }
        this.counters.misses++;
        const failed = this.backoff.size > 0 ? this.backedOff(key) : null;
        if (failed !== null) {
          results[i] = failed;
          continue;
        }
        results[i] = this.flights.fetch(key, options);
        loading = true;
      } catch (error) {
        results[i] = { ok: false, error: messages.invalidKey(describeError(error)) };
      }
    }
    // All hits: no promise per key.
    return loading ? Promise.all(results) : Promise.resolve(results as FetchResult<V>[]);
  }

  async fetchNoSave(key: K, options?: FetchOptions): Promise<FetchNoSaveResult<V>> {
    try {
      if (options?.reload !== true) {
        const value = this.bucket.read(key);
        if (value !== undefined || this.bucket.has(key)) {
          this.counters.hits++;
          return { ok: true, value: value as V, loaded: false };
        }
      }
      if (this.early !== null) return this.early.filled.then(() => this.fetchNoSave(key, options));
      this.counters.misses++;
      const failed = this.backoff.size > 0 ? this.backedOff(key) : null;
      if (failed !== null) return failed.ok ? { ...failed, loaded: false } : failed;
      const outcome = await this.flights.join(key, false, options?.timeout);
      return outcome.ok ? { ok: true, value: outcome.value, loaded: true } : { ok: false, error: outcome.error };
    } catch (error) {
      return { ok: false, error: messages.invalidKey(describeError(error)) };
    }
  }

  peek(key: K): V | undefined {
    try {
      return this.bucket.get(key);
    } catch {
      return undefined;
    }
  }

  has(key: K): boolean {
    try {
      return this.bucket.has(key);
    } catch {
      return false;
    }
  }

  /** The cached entry of `key` with its times, without it counting as a read; undefined when none is served. */
  inspect(key: K): EntryInspection<V> | undefined {
    try {
      const state = this.bucket.inspect(key);
      return state === undefined ? undefined : { ...state, refreshing: this.flights.isLoading(key) };
    } catch {
      return undefined;
    }
  }

  keys(): K[] {
    return this.bucket.servedKeyList();
  }

  get size(): number {
    return this.bucket.size;
  }

  stats(): CacheWorkerStats {
    return this.counters.snapshot(this.config.bucket, this.bucket);
  }

  /**
   * A read within the failure backoff of `key`: the cached value when there is one (a `reload`), else
   * the remembered failure; null when the read may load.
   */
  private backedOff(key: K): FetchResult<V> | null {
    const error = this.backoff.errorOf(key);
    if (error === null) return null;
    this.counters.backoffHits++;
    if (this.bucket.has(key)) return { ok: true, value: this.bucket.get(key) as V, loaded: false };
    return { ok: false, error };
  }

  /** A read served an entry older than `refreshAfter`: one load of it in the background, unless one runs. */
  private refreshOnRead(key: K): void {
    if (this.closing || this.flights.isLoading(key)) return;
    if (this.backoff.size > 0 && this.backoff.errorOf(key) !== null) {
      this.counters.backoffHits++;
      return;
    }
    this.counters.refreshesOnRead++;
    void this.flights.join(key, true, undefined);
  }

  // ---- writes ----

  /** Stores `value`; `options.maxAge` (checked: a bad one throws, naming the bucket) is the entry's own max age. */
  set(key: K, value: V, options?: SetOptions): void {
    const maxAge = options?.maxAge;
    const invalid = checkEntryAge(maxAge);
    if (invalid !== null) throw new RangeError(messages.invalidOption(this.config.bucket, 'maxAge', invalid, maxAge));
    if (!this.config.cacheEnabled) return;
    this.applyChange(maxAge === undefined || maxAge === null ? { type: 'set', key, value } : { type: 'set', key, value, maxAge }, true);
  }

  delete(key: K): boolean {
    return this.remove({ type: 'delete', key });
  }

  invalidate(key: K): boolean {
    return this.remove({ type: 'invalidate', key });
  }

  /** A key that can't be used (too deep, cyclic) can't be in the bucket: removing it removes nothing. */
  private remove(change: Extract<BucketChange<K, V>, { key: K }>): boolean {
    try {
      return this.applyChange(change, true);
    } catch (error) {
      if (error instanceof CacheWorkerKeyError) return false;
      throw error;
    }
  }

  clear(): void {
    this.applyChange({ type: 'clear' }, true);
  }

  /**
   * Applies a change; returns whether the bucket changed. `announce` tells the observers: cluster mode
   * applies the changes of other instances without it, so they aren't sent back.
   */
  applyChange(change: BucketChange<K, V>, announce = false): boolean {
    if (this.early !== null) {
      if (change.type !== 'clear') this.bucket.has(change.key); // a key that can't be used fails now, as it would later
      this.early.hold(change, announce);
      return false;
    }
    let changed = true;
    if (change.type === 'set') {
      if (!this.config.cacheEnabled) return false;
      this.bucket.set(change.key, change.value, ownAge(change.maxAge));
      this.backoff.forget(change.key);
    } else if (change.type === 'clear') {
      changed = this.bucket.size > 0;
      this.bucket.clear();
      this.backoff.clear();
    } else {
      changed = this.bucket.delete(change.key);
      this.backoff.forget(change.key);
    }
    this.flights.supersede(change);
    if (changed) this.dumps.schedule();
    if (announce && this.observers.listening) this.observers.notify('changed', change);
    return changed;
  }

  /** Remembers a failure another instance's load met, until `until` (ms since the epoch), without announcing it. */
  applyFailure(key: K, error: string, until: number): void {
    if (until <= Date.now()) return;
    this.backoff.remember(key, error, until);
    this.sweeper.start();
  }

  /** Stores a value another instance loaded on a read, with its `extra` entries and own max age, without announcing it. */
  applyLoaded(key: K, value: V, extra: unknown, maxAge?: unknown): void {
    const own = ownAge(maxAge);
    this.storeLoaded(key, own < 0 ? { ok: true, value, extra } : { ok: true, value, extra, maxAge: own });
  }

  /**
   * Applies another instance's snapshot of `version` (its chunks, as read from it), as
   * `SnapshotApplication` says, and tells the observers once it is applied.
   */
  async applySnapshot(snapshot: DumpChunks, version: number, changedSince: (key: K) => boolean): Promise<void> {
    const started = performance.now();
    if (await this.snapshots.apply(snapshot, changedSince)) this.dumps.schedule();
    this.observers.notify('snapshotApplied', { version, entries: snapshot.entries, durationMs: performance.now() - started });
  }

  /**
   * The entries as the chunks of a dump payload, each encoded when pulled and of about `chunkBytes`:
   * cluster mode streams its snapshot from them.
   */
  snapshotChunks(chunkBytes: number): Generator<EncodedChunk> {
    return encodeChunks(this.bucket, chunkBytes);
  }

  /**
   * Stores a loaded value and the `extra` entries `load` returned with it; false when the cache is
   * disabled. A refresh's value replaces that of a resident key without counting as a use of it.
   */
  private storeLoaded(key: K, outcome: LoadedOutcome<V>, refreshed = false): boolean {
    if (!this.config.cacheEnabled) return false;
    const maxAge = outcome.maxAge ?? -1;
    if (refreshed) this.bucket.update(key, outcome.value, maxAge);
    else this.bucket.set(key, outcome.value, maxAge);
    if (outcome.extra !== undefined && outcome.extra !== null) {
      try {
        for (const [extraKey, extraValue] of entriesOf(outcome.extra)) this.bucket.set(extraKey as K, extraValue as V);
      } catch (error) {
        this.logger.warn(messages.loadExtraInvalid(this.keyText(key), describeError(error)));
      }
    }
    this.dumps.schedule();
    return true;
  }

  // ---- refresh, dumps, lifecycle ----

  fullRefresh(): Promise<RefreshResult> {
    return this.refresher.refresh();
  }

  /** A timer tick: starts a refresh unless one is running (refreshes never overlap). */
  refreshTick(): void {
    this.refresher.tick();
  }

  /** The store's `dump()`: writes the dump, and waits for what the observers do too (cluster mode shares a snapshot). */
  async requestDump(): Promise<DumpResult> {
    if (!this.observers.listening) return this.dump();
    const [result] = await Promise.all([this.dump(), ...this.observers.gather('dumpRequested')]);
    return result;
  }

  /** Writes the dump now (after any write in progress); never rejects. */
  dump(): Promise<DumpResult> {
    return this.dumps.dump();
  }

  /**
   * Startup: fills the bucket from its dump or the `shared` snapshot (cluster mode), lets the reads and
   * writes made meanwhile through, then runs `init` if neither could be read (so `init` may read the store).
   */
  async start(shared?: () => Promise<DumpChunks | null>): Promise<void> {
    let filled = false;
    try {
      filled = await this.startUp.fill(shared);
    } finally {
      this.letEarlyCallsThrough();
    }
    if (!filled) await this.startUp.runInit();
  }

  private letEarlyCallsThrough(): void {
    const early = this.early;
    if (early === null) return;
    this.early = null;
    early.letThrough((change, announce) => this.applyChange(change, announce));
  }

  /**
   * Shutdown: no new loads, in-flight loads aborted through their signal and awaited at most
   * `shutdownTimeout`, the running refresh drained, then the final dump.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.letEarlyCallsThrough(); // closed before it started: the waiting reads get the refusal of a closed bucket
    this.dumps.stop();
    this.sweeper.stop();
    const stuck = await this.flights.close(this.config.shutdownTimeout);
    if (stuck > 0) this.logger.warn(messages.shutdownWaitExpired(stuck, this.config.shutdownTimeout));
    await this.refresher.drain();
    if (this.config.file && this.config.cacheEnabled) await this.dump();
  }

  private keyText(key: K): string {
    return describeKey(key, this.config.redactKeys);
  }
}

/** An entry's own max age as the bucket takes it: -1 for none (a message of another instance is checked too). */
function ownAge(maxAge: unknown): number {
  return typeof maxAge === 'number' && checkEntryAge(maxAge) === null ? maxAge : -1;
}

/** The keys of `fetchMany` as an array, or null when they are not an iterable (or a string, surely not meant as characters). */
function listOf<K>(keys: Iterable<K>): readonly K[] | null {
  try {
    if (typeof keys === 'string' || typeof (keys as Partial<Iterable<K>> | null)?.[Symbol.iterator] !== 'function') return null;
    return Array.isArray(keys) ? keys : Array.from(keys);
  } catch {
    return null; // iterating threw
  }
}
