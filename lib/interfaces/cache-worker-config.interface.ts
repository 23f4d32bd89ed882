/**
 * Settings of one bucket that can come from any step of the configuration cascade.
 * Every field is documented in the README's configuration table.
 */
export interface CacheWorkerSettings {
  /** Dump file path; `null` or absent means no persistence. */
  file: string | null;
  /** Full refresh period in ms; `0` or `null` disables the periodic refresh. */
  refreshInterval: number | null;
  /** `false`: every read calls `load` and nothing is stored. */
  cacheEnabled: boolean;
  /** Most `load` calls (or `loadMany` batches) in flight during a full refresh. */
  refreshConcurrency: number;
  /** A `load` (or a `loadMany` batch) slower than this (ms) resolves as an error; `0` means no timeout. */
  loadTimeout: number;
  /** Most keys in one `loadMany` call (stores that implement `loadMany`). */
  batchSize: number;
  /** How long (ms) a miss waits for others to share its `loadMany` call; `0`: the misses of one event-loop turn. */
  batchDelay: number;
  /** Longest time (ms) `app.close()` waits for in-flight loads before the final dump. */
  shutdownTimeout: number;
  /** Delay (ms) that coalesces the dump written after changes; `0` writes on the next tick. */
  dumpDelay: number;
  /** Replace keys in log lines with a short hash, for keys that are personal data. */
  redactKeys: boolean;
  /** `false` keeps this bucket out of cluster mode (when `forRoot({ cluster })` turns it on). */
  cluster: boolean;
  /** Most entries the bucket holds; `null`: no bound. */
  maxEntries: number | null;
  /** Most total weight of the entries, by the store's `weigh(key, value)`; `null`: no bound. */
  maxWeight: number | null;
  /** The oldest (ms since its last load or `set`) a served value may be; an older entry is removed. `null`: no limit. */
  maxAge: number | null;
  /** An entry not read for this long (ms) is removed. `null`: entries never idle out. */
  expireAfterIdle: number | null;
  /** A read of an entry older than this (ms) answers at once and reloads it in the background. `null`: never. */
  refreshAfter: number | null;
  /** After a failed load of a key, reads of it within this time (ms) get the failure without calling `load`; `0`: off. */
  failureBackoff: number;
}

/** The resolved, frozen configuration of one bucket: every setting plus its name. */
export interface CacheWorkerConfig extends CacheWorkerSettings {
  /** Unique name of the bucket. */
  readonly bucket: string;
}

/** Options of the `@CacheWorker` decorator: the bucket name and any settings. */
export interface CacheWorkerOptions extends Partial<CacheWorkerSettings> {
  /** Unique name of the bucket; set here and nowhere else. */
  bucket: string;
}
