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
