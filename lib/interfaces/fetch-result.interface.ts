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
