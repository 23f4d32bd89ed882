/** Entries an `init` can seed the bucket with. */
export type InitSeed<K, V> = ReadonlyMap<K, V> | Readonly<Record<string, V>> | Iterable<readonly [K, V]>;

/**
 * What a store's optional `init(config)` returns or resolves to. It runs at startup only when no dump
 * was loaded.
 * - `void` or `{ ok: true }`: continue; `{ ok: true, seed }`: store the seed and dump it.
 * - `{ warn }`: log a warning and continue; `{ error }` or `{ ok: false, error }`: log an error and continue.
 * - `{ stop }`: application bootstrap fails with that reason.
 */
export type InitResult<K = unknown, V = unknown> =
  | void
  | undefined
  | {
      /** Continue. */
      ok: true;
      /** Entries to store and dump. */
      seed?: InitSeed<K, V>;
    }
  | {
      /** Continue after logging `error`. */
      ok: false;
      /** What went wrong; logged as an error. */
      error: unknown;
    }
  | {
      /** Logged as a warning; startup continues. */
      warn: string;
    }
  | {
      /** Logged as an error; startup continues. */
      error: string;
    }
  | {
      /** Why the application must not start; bootstrap fails with it. */
      stop: string;
    };

/**
 * An `InitResult` as TypeScript infers it from an `init` written without a return type, where `ok: true`
 * widens to `ok: boolean`. `CacheWorkerStore` accepts it, so such an `init` compiles; `seed` is still
 * checked against the store's key and value types, and the library reads `ok` at run time either way.
 */
export type InferredInitResult<K = unknown, V = unknown> =
  | {
      /** `true`: continue. */
      ok: boolean;
      /** Entries to store and dump. */
      seed?: InitSeed<K, V>;
    }
  | {
      /** `false`: continue after logging `error`. */
      ok: boolean;
      /** What went wrong; logged as an error. */
      error: unknown;
    };
