import type { CacheWorkerConfig } from '../interfaces/cache-worker-config.interface.js';
import type {
  DumpResult,
  FetchNoSaveResult,
  FetchOptions,
  FetchResult,
  EntryInspection,
  GetOptions,
  RefreshResult,
  SetOptions,
} from '../interfaces/fetch-result.interface.js';
import type { InferredInitResult, InitResult } from '../interfaces/init-result.interface.js';
import type { InferredLoadResult, LoadContext, LoadManyResult, LoadResult } from '../interfaces/load-result.interface.js';
import type { CacheWorkerStats } from '../interfaces/stats.interface.js';
import { notRegistered } from '../cache-worker.messages.js';
import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import { CacheEngine } from './cache-engine.js';
import type { CacheWorkerLogger } from './logger.interface.js';

const ENGINE = Symbol('nest-cache-worker:engine');

/**
 * The base class of every cache worker. Extend it, implement `load(key)` (and, for a source that
 * answers in bulk, `loadMany(keys)`), decorate the class with `@CacheWorker({ bucket })` and register
 * it with `CacheWorkerModule.forFeature`. Every read method is inherited; none of them throws.
 */
export abstract class CacheWorkerStore<K = unknown, V = unknown> {
  private [ENGINE]: CacheEngine<K, V> | undefined;

  /**
   * Loads the value of one key from the source. Return `{ ok: true, value }` (with optional `extra`
   * entries to store too) or `{ ok: false, error }`. Throwing, rejecting or timing out is caught and
   * becomes `{ ok: false, error }`. The signal fires on timeout and at shutdown.
   */
  abstract load(
    key: K,
    context: LoadContext,
  ): LoadResult<V, K> | InferredLoadResult<V, K> | Promise<LoadResult<V, K> | InferredLoadResult<V, K>>;

  /**
   * Optional: loads many keys in one call of the source (`WHERE id IN (...)`, a bulk endpoint, `MGET`).
   * When present, every load goes through it: concurrent misses, `fetchMany` and full refreshes, in
   * batches of at most `batchSize` keys. Return a `Map` from key to `LoadResult`, an array of results in
   * the order of `keys`, or an iterable of `[key, LoadResult]` pairs. The signal fires when the batch
   * times out (`loadTimeout`) and at shutdown. A store whose source only answers in bulk extends
   * `CacheWorkerBatchStore` instead.
   */
  loadMany?(keys: K[], context: LoadContext): LoadManyResult<V, K> | Promise<LoadManyResult<V, K>>;

  /** Optional: runs at startup only when no dump was loaded; may seed the bucket. */
  init?(config: CacheWorkerConfig): InitResult<K, V> | InferredInitResult<K, V> | Promise<InitResult<K, V> | InferredInitResult<K, V>>;

  /** Optional: during a full refresh, return `false` to keep `oldValue` instead of `newValue`. */
  refreshFilter?(key: K, newValue: V, oldValue: V): boolean;

  /** Optional: turns each value read from a dump back into the store's own type. */
  revive?(value: unknown): V;

  /**
   * Nest's hook: a store that `forFeature` did not register (listed in a module's `providers`, say) fails
   * bootstrap here rather than at its first read. A store with its own `onModuleInit` calls this one.
   */
  onModuleInit(): void {
    if (this[ENGINE] === undefined) throw new CacheWorkerConfigError(notRegistered(this.constructor.name));
  }

  /** The weight of an entry (a finite number of at least 0), for `maxWeight`; needed when it is set. */
  weigh?(key: K, value: V): number;

  /** The value of `key`: from the bucket if present, else loaded (and stored). Never rejects. */
  fetch(key: K, options?: FetchOptions): Promise<FetchResult<V>> {
    return this.engine.fetch(key, options);
  }

  /** Like `fetch`, but a loaded value is not stored; `loaded` tells whether `load` ran. */
  fetchNoSave(key: K, options?: FetchOptions): Promise<FetchNoSaveResult<V>> {
    return this.engine.fetchNoSave(key, options);
  }

  /** The value of `key`, or `options.default` (else `undefined`) when it can't be had. Never rejects. */
  async get(key: K, options?: GetOptions<V>): Promise<V | undefined> {
    const result = await this.engine.fetch(key, options);
    return result.ok ? result.value : options?.default;
  }

  /**
   * The results of `keys`, in their order: hits from the bucket, misses loaded together (by as few
   * `loadMany` calls as `batchSize` allows, or by `load` once per distinct key). Never rejects.
   */
  fetchMany(keys: Iterable<K>, options?: FetchOptions): Promise<FetchResult<V>[]> {
    return this.engine.fetchMany(keys, options);
  }

  /** The values of `keys`, in their order; `options.default` (else `undefined`) where one can't be had. Never rejects. */
  async getMany(keys: Iterable<K>, options?: GetOptions<V>): Promise<(V | undefined)[]> {
    const results = await this.engine.fetchMany(keys, options);
    return results.map((result) => (result.ok ? result.value : options?.default));
  }

  /** The cached value of `key`, without ever loading. */
  peek(key: K): V | undefined {
    return this.engine.peek(key);
  }

  /** Whether `key` has a cached value. */
  has(key: K): boolean {
    return this.engine.has(key);
  }

  /**
   * Stores `value` under `key` (nothing, when the cache is disabled). `options.maxAge` overrides the
   * bucket's `maxAge` for this entry; a value that is not a whole number of ms from 0 throws a RangeError.
   */
  set(key: K, value: V, options?: SetOptions): this {
    this.engine.set(key, value, options);
    return this;
  }

  /**
   * The cached entry of `key` with when it was stored and last read, when it stops being served and
   * whether it is being reloaded; `undefined` when none is served. It loads nothing and counts as no read.
   */
  inspect(key: K): EntryInspection<V> | undefined {
    return this.engine.inspect(key);
  }

  /** Removes `key`; returns whether it was there, like `Map.delete`. */
  delete(key: K): boolean {
    return this.engine.delete(key);
  }

  /**
   * Drops the cached value of `key` so the next read loads it again; in cluster mode every instance
   * drops it. Returns whether it was cached here.
   */
  invalidate(key: K): boolean {
    return this.engine.invalidate(key);
  }

  /** Removes every entry. */
  clear(): void {
    this.engine.clear();
  }

  /** The cached keys as they were given, in insertion order. */
  keys(): K[] {
    return this.engine.keys();
  }

  /** How many entries are cached. */
  get size(): number {
    return this.engine.size;
  }

  /** Reloads every cached key now; joins the refresh already running, if any. Never rejects. */
  fullRefresh(): Promise<RefreshResult> {
    return this.engine.fullRefresh();
  }

  /** Writes the dump file now (and, in cluster mode, the shared snapshot). Never rejects. */
  dump(): Promise<DumpResult> {
    return this.engine.requestDump();
  }

  /** Counters and last results of this bucket. */
  stats(): CacheWorkerStats {
    return this.engine.stats();
  }

  /** The resolved, frozen configuration. */
  get config(): CacheWorkerConfig {
    return this.engine.config;
  }

  /** The bucket's name. */
  get bucket(): string {
    return this.engine.config.bucket;
  }

  private get engine(): CacheEngine<K, V> {
    const engine = this[ENGINE];
    if (engine === undefined) {
      throw new Error(notRegistered(this.constructor.name));
    }
    return engine;
  }
}

/** Gives a store its engine; the Nest shell calls it once per store, with the resolved config. */
export function attachEngine<K, V>(
  store: CacheWorkerStore<K, V>,
  config: CacheWorkerConfig,
  logger: CacheWorkerLogger,
): CacheEngine<K, V> {
  const engine = new CacheEngine<K, V>(
    config,
    {
      load: store.load && ((key, context) => store.load(key, context)),
      loadMany: store.loadMany && ((keys, context) => store.loadMany!(keys, context)),
      init: store.init && ((resolved) => store.init!(resolved)),
      refreshFilter: store.refreshFilter && ((key, newValue, oldValue) => store.refreshFilter!(key, newValue, oldValue)),
      revive: store.revive && ((value) => store.revive!(value)),
      weigh: store.weigh && ((key, value) => store.weigh!(key, value)),
    },
    logger,
  );
  (store as unknown as Record<symbol, unknown>)[ENGINE] = engine;
  return engine;
}

/** The engine of a registered store. */
export function engineOf<K, V>(store: CacheWorkerStore<K, V>): CacheEngine<K, V> {
  return (store as unknown as Record<symbol, CacheEngine<K, V>>)[ENGINE];
}
