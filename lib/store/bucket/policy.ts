/**
 * The bookkeeping of a bounded bucket: which entries stay when a bound would be passed. A policy sees
 * the bucket's own key objects (the stored copy of an object key, the value of a primitive one) and
 * compares them by identity; it never sees values. An unbounded bucket has no policy at all, so it pays
 * nothing for this.
 */
export interface EvictionPolicy<K> {
  /** A read found the key resident (a `fetch`, `get` or `fetchNoSave` hit). */
  onRead(key: K): void;
  /**
   * The key was stored, new or overwritten, with this weight (1 when the bucket has no `maxWeight`).
   * Before it returns, the policy calls `evict` (given at construction) for every key that must leave
   * so that every bound holds; that may be the key itself, when the policy does not admit it.
   */
  onInsert(key: K, weight: number): void;
  /** The key left the bucket for another reason (delete, invalidate, clear of one key, expiry). */
  onRemove(key: K): void;
  /** Every key left the bucket. */
  onClear(): void;
  /** Resident keys, most worth keeping first: dumps are written in this order, so a smaller bound keeps the best. */
  ranked(): Iterable<K>;
  /** The total weight of the resident keys. */
  readonly weight: number;
}

/** The bounds a policy enforces; `null` is no bound. */
export interface PolicyBounds {
  maxEntries: number | null;
  maxWeight: number | null;
}
