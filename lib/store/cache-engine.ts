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
import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import { describeError, describeKey } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { Bucket, safeWeigher, type BucketBounds } from './bucket/index.js';
import type { BucketChange, EngineObserver } from './engine-observer.js';
import { type EngineTracer, TracerSlot } from './engine-tracer.js';
import { entriesOf } from './entries-of.js';
import { Flights, LoadRunner, type LoadedOutcome } from './loading/index.js';
import type { CacheWorkerLogger } from './logger.interface.js';
import { ObserverList } from './observer-list.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DumpScheduler, eachChunkInSlices, eachRevivedInSlices, encodeChunks, StartUp, type DecodedChunks, type EncodedChunk } from './persistence/index.js';
import { Refresher } from './refresh/index.js';
import { StatsCounters } from './stats.js';
import type { StoreCallbacks } from './store-callbacks.js';
import { ValueKeyedMap } from './value-keyed-map.js';

export type { StoreCallbacks } from './store-callbacks.js';

/** Keys checked against a snapshot between two turns of the event loop: a few milliseconds of work. */
const SNAPSHOT_SLICE_KEYS = 10_000;

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
  /** Applies to snapshots of other instances what start-up applies to a dump. */
  private readonly revive: StoreCallbacks<K, V>['revive'];
  private closing = false;

  constructor(
    readonly config: CacheWorkerConfig,
    callbacks: StoreCallbacks<K, V>,
    private readonly logger: CacheWorkerLogger,
  ) {
    const observers = (this.observers = new ObserverList<K, V>(logger));
    const keyText = (key: K) => this.keyText(key);
    this.bucket = new Bucket<K, V>(bucketBounds(config, callbacks, logger, keyText));
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
        if (this.storeLoaded(key, outcome) && observers.listening) observers.notify('loadStored', key, outcome.value, outcome.extra);
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
      refreshed: (result) => observers.notify('refreshed', result),
      dump: () => this.dump(),
      keyText,
      closing: () => this.closing,
    });
    this.startUp = new StartUp(config, this.bucket, this.counters, logger, callbacks, this.dumps);
    this.revive = callbacks.revive;
  }

  /** Adds an integration that hears about loads, refreshes, dumps and changes. */
  observe(observer: EngineObserver<K, V>): void {
    this.observers.add(observer);
    if (observer.evicted && this.bucket.onEvicted === null) this.bucket.onEvicted = (key) => this.observers.notify('evicted', key);
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
          return Promise.resolve({ ok: true, value: value as V });
        }
      }
      const filling = this.startUp.filling;
      if (filling !== null) return filling.then(() => this.fetch(key, options));
      this.counters.misses++;
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
    const filling = this.startUp.filling;
    if (filling !== null) return filling.then(() => this.fetchMany(list, options));
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
            results[i] = { ok: true, value: value as V };
            continue;
          }
        }
        this.counters.misses++;
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
    if (this.startUp.filling !== null) await this.startUp.filling;
    try {
      if (options?.reload !== true) {
        const value = this.bucket.read(key);
        if (value !== undefined || this.bucket.has(key)) {
          this.counters.hits++;
          return { ok: true, value: value as V, loaded: false };
        }
      }
      this.counters.misses++;
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

  keys(): K[] {
    return [...this.bucket.keys()];
  }

  get size(): number {
    return this.bucket.size;
  }

  stats(): CacheWorkerStats {
    return this.counters.snapshot(this.config.bucket, this.bucket);
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
      this.bucket.set(change.key, change.value);
    } else if (change.type === 'clear') {
      changed = this.bucket.size > 0;
      this.bucket.clear();
    } else {
      changed = this.bucket.delete(change.key);
    }
    this.flights.supersede(change);
    if (changed) this.dumps.schedule();
    if (announce && this.observers.listening) this.observers.notify('changed', change);
    return changed;
  }

  /** Stores a value another instance loaded on a read, with its `extra` entries, without announcing it. */
  applyLoaded(key: K, value: V, extra: unknown): void {
    this.storeLoaded(key, { ok: true, value, extra });
  }

  /**
   * Applies another instance's snapshot (its chunks, as read from it): the bucket takes the snapshot's
   * content, except the keys `changedSince` names (changed here after the snapshot was encoded), which
   * keep what they have here, whether a value or nothing. Works in slices with turns of the event loop
   * between them, so reads go on; `changedSince` is asked when a key's turn comes.
   */
  async applySnapshot(snapshot: DecodedChunks, changedSince: (key: K) => boolean): Promise<void> {
    let updated = false;
    await eachRevivedInSlices<K, V>(snapshot.chunks, this.revive, this.logger, (key, value) => {
      if (changedSince(key)) return;
      // A resident key takes the value without it counting as a use; a new one is an insert for the bounds.
      if (this.bucket.has(key)) this.bucket.update(key, value);
      else this.bucket.set(key, value);
      updated = true;
    });
    for (const key of await this.residentKeysOutside(snapshot.chunks)) {
      if (changedSince(key)) continue;
      if (this.bucket.delete(key)) updated = true;
    }
    if (updated) this.dumps.schedule();
  }

  /**
   * The resident keys that `chunks` (a snapshot's, keys decoded) lack, found in slices. Usually there
   * are none, and counting the snapshot's resident keys tells so: no set of a snapshot's keys is built
   * then, whose growth past a million keys alone would stop the event loop.
   */
  private async residentKeysOutside(chunks: unknown[][]): Promise<K[]> {
    let held = 0;
    await eachChunkInSlices(chunks, (chunk) => {
      for (let i = 0; i < chunk.length; i += 2) if (this.bucket.has(chunk[i] as K)) held++;
    });
    if (held === this.bucket.size) return [];
    const inSnapshot = new ValueKeyedMap<K, true>();
    await eachChunkInSlices(chunks, (chunk) => {
      for (let i = 0; i < chunk.length; i += 2) inSnapshot.set(chunk[i] as K, true);
    });
    const resident = this.keys();
    const outside: K[] = [];
    for (let i = 0; i < resident.length; i++) {
      if (i > 0 && i % SNAPSHOT_SLICE_KEYS === 0) await nextTurn();
      if (!inSnapshot.has(resident[i]!)) outside.push(resident[i]!);
    }
    return outside;
  }

  /** The entries as the chunks of a dump payload, each encoded when pulled: cluster mode streams its snapshot from them. */
  snapshotChunks(): Generator<EncodedChunk> {
    return encodeChunks(this.bucket);
  }

  /**
   * Stores a loaded value and the `extra` entries `load` returned with it; false when the cache is
   * disabled. A refresh's value replaces that of a resident key without counting as a use of it.
   */
  private storeLoaded(key: K, outcome: LoadedOutcome<V>, refreshed = false): boolean {
    if (!this.config.cacheEnabled) return false;
    if (refreshed) this.bucket.update(key, outcome.value);
    else this.bucket.set(key, outcome.value);
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

  /** Startup: fills the bucket from its dump, the `shared` snapshot (cluster mode) or `init`. */
  start(shared?: () => Promise<DecodedChunks | null>): Promise<void> {
    return this.startUp.run(shared);
  }

  /**
   * Shutdown: no new loads, in-flight loads aborted through their signal and awaited at most
   * `shutdownTimeout`, the running refresh drained, then the final dump.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.dumps.stop();
    const stuck = await this.flights.close(this.config.shutdownTimeout);
    if (stuck > 0) this.logger.warn(messages.shutdownWaitExpired(stuck, this.config.shutdownTimeout));
    await this.refresher.drain();
    if (this.config.file && this.config.cacheEnabled) await this.dump();
  }

  private keyText(key: K): string {
    return describeKey(key, this.config.redactKeys);
  }
}

/** The bounds of the bucket, or null when it has none; fails bootstrap when `maxWeight` has no `weigh`. */
function bucketBounds<K, V>(
  config: CacheWorkerConfig,
  callbacks: StoreCallbacks<K, V>,
  logger: CacheWorkerLogger,
  keyText: (key: K) => string,
): BucketBounds<K, V> | null {
  const { maxEntries, maxWeight } = config;
  if (maxEntries === null && maxWeight === null) return null;
  if (maxWeight !== null && !callbacks.weigh) throw new CacheWorkerConfigError(messages.missingWeigh(config.bucket));
  return { maxEntries, maxWeight, weigh: callbacks.weigh ? safeWeigher(callbacks.weigh, logger, keyText) : null };
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
