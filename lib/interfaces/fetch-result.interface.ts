/** What `fetch` resolves to: the value, or the load's error as text. It never rejects. */
export type FetchResult<V> = { ok: true; value: V } | { ok: false; error: string };

/** What `fetchNoSave` resolves to: like `fetch`, with `loaded` telling whether `load` ran. */
export type FetchNoSaveResult<V> = { ok: true; value: V; loaded: boolean } | { ok: false; error: string };

/** Options of `fetch`, `fetchNoSave` and `get`. */
export interface FetchOptions {
  /** Do not store a loaded value (it is still stored if another caller sharing the load wants it). */
  skipSave?: boolean;
  /** Ignore the cached value: load, then store. */
  reload?: boolean;
  /** Longest wait for this call in ms; overrides `loadTimeout` for a load this call starts. */
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
  | { ok: true; entries: number; bytes: number; durationMs: number; leftOut: number }
  | { ok: false; error: string };
