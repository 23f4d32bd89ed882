/** What `load` is given besides the key. */
export interface LoadContext {
  /** Fires when the load times out and when the application shuts down. */
  readonly signal: AbortSignal;
}

/** Extra entries a `load` may return to be stored beside the requested key. */
export type LoadExtra<K, V> = ReadonlyMap<K, V> | Readonly<Record<string, V>>;

/** A successful load: `value` is stored under the key, and every entry of `extra` too. */
export interface LoadSuccess<K, V> {
  /** The load succeeded. */
  ok: true;
  /** The value of the requested key. */
  value: V;
  /** Entries of other keys to store too. */
  extra?: LoadExtra<K, V>;
  /**
   * How long (ms) this value may be served, overriding the bucket's `maxAge` for this entry (a token's
   * expiry, an HTTP `Cache-Control: max-age`). Not inherited by the `extra` entries.
   */
  maxAge?: number | null;
}

/** A failed load: nothing is stored and the caller gets the error as text. */
export interface LoadFailure {
  /** The load failed. */
  ok: false;
  /** What went wrong; callers get it as text. */
  error: unknown;
  /**
   * For this long (ms), reads of the key get this error without calling `load` (negative caching: a
   * "not found" answered from memory). Overrides the bucket's `failureBackoff` for this failure.
   */
  retryAfter?: number | null;
}

/**
 * What a store's `load(key)` returns or resolves to. `K` types the keys of `extra`; it defaults to
 * `any` so that `LoadResult<Widget>` fits any store.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LoadResult<V, K = any> = LoadSuccess<K, V> | LoadFailure;

/**
 * What a store's `loadMany(keys)` returns or resolves to: a `Map` from key to result, an array of
 * results in the order of `keys`, or an iterable of `[key, result]` pairs. Keys match by value, as
 * bucket keys do; a key left without a result fails with an error naming it, and results for keys
 * not asked for are ignored.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LoadManyResult<V, K = any> =
  | ReadonlyMap<K, LoadResult<V, K>>
  | ReadonlyArray<LoadResult<V, K> | undefined>
  | Iterable<readonly [K, LoadResult<V, K>]>;

/**
 * A `LoadResult` as TypeScript infers it from a `load` written without a return type, where `ok: true`
 * widens to `ok: boolean`. `CacheWorkerStore` accepts it, so such a `load` compiles; `value` is still
 * checked against the store's value type, and the library reads `ok` at run time either way.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type InferredLoadResult<V, K = any> =
  | {
      /** `true`: the load succeeded. */
      ok: boolean;
      /** The value of the requested key. */
      value: V;
      /** Entries of other keys to store too. */
      extra?: LoadExtra<K, V>;
      /** This entry's own `maxAge` (ms), as in `LoadSuccess`. */
      maxAge?: number | null;
    }
  | {
      /** `false`: the load failed. */
      ok: boolean;
      /** What went wrong; callers get it as text. */
      error: unknown;
      /** How long (ms) reads get this error without a load, as in `LoadFailure`. */
      retryAfter?: number | null;
    };
