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
import { CacheWorkerKeyError } from '../errors/cache-worker.errors.js';
import { describeError, describeKey } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { Bucket } from './bucket/index.js';
import type { BucketChange, EngineObserver } from './engine-observer.js';
import { entriesOf } from './entries-of.js';
import { Flights, LoadRunner, type LoadedOutcome } from './loading/index.js';
import type { CacheWorkerLogger } from './logger.interface.js';
import { ObserverList } from './observer-list.js';
import { DumpScheduler, eachRevived, encodeDump, StartUp, type DecodedDump, type EncodedDump } from './persistence/index.js';
import { Refresher } from './refresh/index.js';
import { StatsCounters } from './stats.js';
import type { StoreCallbacks } from './store-callbacks.js';
import { ValueKeyedMap } from './value-keyed-map.js';

export type { StoreCallbacks } from './store-callbacks.js';

/**
 * The cache engine of one bucket, as the store calls it: it wires the bucket's entries, its loads,
 * its refresh and its persistence, and answers a read that hits itself. It knows nothing of Nest;
 * the Nest shell creates it with a resolved config and a logger.
 */
export class CacheEngine<K, V> {
  readonly counters = new StatsCounters();
  private readonly bucket = new Bucket<K, V>();
  private readonly observers: ObserverList<K, V>;
  private readonly flights: Flights<K, V>;
  private readonly refresher: Refresher<K, V>;
  private readonly dumps: DumpScheduler;
  private readonly startUp: StartUp<K, V>;
  /** Applies to snapshots of other instances what start-up applies to a dump. */
  private readonly revive: StoreCallbacks<K, V>['revive'];
  private closing = false;
  /**
   * Until start-up has filled the bucket from its dump or snapshot (`null` after): reads wait for it, and
   * writes wait in order, to be applied over what it brought. Without this, a read made before the app was
   * initialised loaded a key the dump holds, and the dump was then merged with it.
   */
  private beforeFill: BeforeFill<K, V> | null = beforeFill();

  constructor(
    readonly config: CacheWorkerConfig,
    callbacks: StoreCallbacks<K, V>,
    private readonly logger: CacheWorkerLogger,
  ) {
    const observers = (this.observers = new ObserverList<K, V>(logger));
    const keyText = (key: K) => this.keyText(key);
    const runner = new LoadRunner(callbacks.load, logger, keyText, (key, outcome, started) => {
      if (!observers.listening) return; // one call per load: skip building the arguments
      const durationMs = performance.now() - started;
      if (outcome.ok) observers.notify('loaded', key, durationMs);
      else observers.notify('loadFailed', key, outcome.error, durationMs);
    });
    this.flights = new Flights(config, runner, this.counters, logger, (key, outcome) => {
      if (this.storeLoaded(key, outcome) && observers.listening) observers.notify('loadStored', key, outcome.value, outcome.extra);
    });
    this.dumps = new DumpScheduler(config, this.bucket, this.counters, logger, {
      dumped: (result) => observers.notify('dumped', result),
      dumpFailed: (error) => observers.notify('dumpFailed', error),
    });
    this.refresher = new Refresher(config, this.bucket, this.flights, this.counters, logger, {
      refreshFilter: callbacks.refreshFilter,
      store: (key, outcome) => this.storeLoaded(key, outcome),
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
  }

  // ---- reads: the hit path first, and it stays this short ----

  fetch(key: K, options?: FetchOptions): Promise<FetchResult<V>> {
    try {
      if (options === undefined || options.reload !== true) {
        const value = this.bucket.get(key);
        if (value !== undefined || this.bucket.has(key)) {
          this.counters.hits++;
          return Promise.resolve({ ok: true, value: value as V, loaded: false });
        }
      }
      if (this.beforeFill !== null) return this.beforeFill.filled.then(() => this.fetch(key, options));
      this.counters.misses++;
      return this.flights.fetch(key, options);
    } catch (error) {
      return Promise.resolve({ ok: false, error: messages.invalidKey(describeError(error)) });
    }
  }

  async fetchNoSave(key: K, options?: FetchOptions): Promise<FetchNoSaveResult<V>> {
    try {
      if (options?.reload !== true) {
        const value = this.bucket.get(key);
        if (value !== undefined || this.bucket.has(key)) {
          this.counters.hits++;
          return { ok: true, value: value as V, loaded: false };
        }
      }
      if (this.beforeFill !== null) return this.beforeFill.filled.then(() => this.fetchNoSave(key, options));
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
    return this.counters.snapshot(this.config.bucket, this.bucket.size);
  }

  // ---- writes ----

  set(key: K, value: V): void {
    if (!this.config.cacheEnabled) return;
    this.applyChange({ type: 'set', key, value }, true);
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
    if (this.beforeFill !== null) {
      if (change.type !== 'clear') this.bucket.has(change.key); // a key that can't be used fails now, as it would later
      this.beforeFill.writes.push([change, announce]);
      return false;
    }
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
   * Applies another instance's snapshot (keys and values alternating, as in a dump): each key cached
   * here takes the snapshot's value; keys not cached here are not added, since they may have been
   * deleted after the snapshot was taken. Returns the cached keys the snapshot lacks.
   */
  applySnapshot(flat: unknown[]): K[] {
    const seen = new ValueKeyedMap<K, true>();
    let updated = false;
    eachRevived<K, V>(flat, this.revive, this.logger, (key, value) => {
      seen.set(key, true);
      if (!this.bucket.has(key)) return;
      this.bucket.set(key, value);
      updated = true;
    });
    if (updated) this.dumps.schedule();
    return this.keys().filter((key) => !seen.has(key));
  }

  /** The whole bucket in the dump format, in memory: the shared snapshot of cluster mode. */
  encodeSnapshot(): Promise<EncodedDump> {
    return encodeDump(this.config.bucket, this.bucket);
  }

  /** Stores a loaded value and the `extra` entries `load` returned with it; false when the cache is disabled. */
  private storeLoaded(key: K, outcome: LoadedOutcome<V>): boolean {
    if (!this.config.cacheEnabled) return false;
    this.bucket.set(key, outcome.value);
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
  async start(shared?: () => Promise<DecodedDump | null>): Promise<void> {
    let filled = false;
    try {
      filled = await this.startUp.fill(shared);
    } finally {
      this.letEarlyCallsThrough();
    }
    if (!filled) await this.startUp.runInit();
  }

  /** Applies the writes made before the bucket was filled, in order, then lets the waiting reads go on. */
  private letEarlyCallsThrough(): void {
    const early = this.beforeFill;
    if (early === null) return;
    this.beforeFill = null;
    for (const [change, announce] of early.writes) this.applyChange(change, announce);
    early.release();
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
    const stuck = await this.flights.close(this.config.shutdownTimeout);
    if (stuck > 0) this.logger.warn(messages.shutdownWaitExpired(stuck, this.config.shutdownTimeout));
    await this.refresher.drain();
    if (this.config.file && this.config.cacheEnabled) await this.dump();
  }

  private keyText(key: K): string {
    return describeKey(key, this.config.redactKeys);
  }
}

/** Reads and writes made before start-up filled the bucket. */
interface BeforeFill<K, V> {
  filled: Promise<void>;
  release: () => void;
  writes: Array<[change: BucketChange<K, V>, announce: boolean]>;
}

function beforeFill<K, V>(): BeforeFill<K, V> {
  let release!: () => void;
  const filled = new Promise<void>((resolve) => (release = resolve));
  return { filled, release, writes: [] };
}
