/**
 * What `fetch` resolves to: the value, with `loaded` telling whether `load` ran for this call (this
 * caller waited for the source), or the load's error as text. It never rejects.
 */
export type FetchResult<V> =
  | {
      /** The value was had. */
      ok: true;
      /** The cached or loaded value. */
      value: V;
      /** Whether `load` ran for this call: `false` when the value came from the bucket. */
      loaded: boolean;
    }
  | {
      /** The value could not be had. */
      ok: false;
      /** Why, as text. */
      error: string;
    };

/** What `fetchNoSave` resolves to: the same as `fetch`. */
export type FetchNoSaveResult<V> = FetchResult<V>;

/** Options of `fetch`, `fetchNoSave` and `get`. */
export interface FetchOptions {
  /** Do not store a loaded value (it is still stored if another caller sharing the load wants it). */
  skipSave?: boolean;
  /** Ignore the cached value: load, then store. */
  reload?: boolean;
  /**
   * Longest wait for this call in ms (`0`: no bound); overrides `loadTimeout` for a load this call starts.
   * A value outside `loadTimeout`'s range makes the call resolve with an error naming the option.
   */
  timeout?: number;
}

/** Options of `get`: those of `fetch`, and the value to return when there is none. */
export interface GetOptions<V> extends FetchOptions {
  /** Returned when the key has no value and the load failed. */
  default?: V;
}

/** What `fullRefresh` resolves to. */
export interface RefreshResult {
  /** Keys whose new value was stored. */
  refreshed: number;
  /** Keys whose load failed (or whose `refreshFilter` threw); their old value was kept. */
  failed: number;
  /** Keys whose new value `refreshFilter` refused, or that were deleted while the refresh ran. */
  skipped: number;
  /** Wall time of the refresh. */
  durationMs: number;
}

/** What `dump` resolves to. It never rejects. */
export type DumpResult =
  | {
      /** The dump was written. */
      ok: true;
      /** Entries written. */
      entries: number;
      /** Size of the file. */
      bytes: number;
      /** Time the dump took. */
      durationMs: number;
      /** Entries left out because their value could not be serialized. */
      leftOut: number;
    }
  | {
      /** The dump could not be written; the previous file is untouched. */
      ok: false;
      /** Why, as text. */
      error: string;
    };

/** Options of `set`. */
export interface SetOptions {
  /** How long (ms) this value may be served, overriding the bucket's `maxAge` for this entry. */
  maxAge?: number | null;
}

/** What `inspect(key)` tells of a cached entry. Times are in ms since the epoch (`Date.now()`). */
export interface EntryInspection<V> {
  /** The cached value. */
  value: V;
  /**
   * When the value was last loaded or `set`; `null` when the bucket keeps no ages (none of `maxAge`,
   * `expireAfterIdle`, `refreshAfter` is set and no entry was given its own `maxAge`).
   */
  storedAt: number | null;
  /** When a read last used the entry (a new entry counts as read when stored); `null` as for `storedAt`. */
  lastReadAt: number | null;
  /** When the entry stops being served (by its age or its idleness, whichever is first); `null`: never. */
  expiresAt: number | null;
  /** Whether a load of the key is in flight (a refresh, a reload on read). */
  refreshing: boolean;
}
