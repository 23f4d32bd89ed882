/**
 * The bookkeeping of a bounded bucket: which entries stay when a bound would be passed. It works on
 * the slots the bucket gives its entries (so a read tells it a number, with no lookup of its own) and
 * keeps the bucket's own key of each (the stored copy of an object key), which it hands back when it
 * evicts; it never sees values. An unbounded bucket has no policy at all, so it pays nothing for this.
 */
export interface EvictionPolicy<K> {
  /** A read found the entry of `slot` (a `fetch`, `get` or `fetchNoSave` hit). */
  onRead(slot: number): void;
  /**
   * A new key was stored in the free `slot`, with this weight (1 when the bucket has no `maxWeight`).
   * Before it returns, the policy calls `evict` (given at construction) for every slot that must be
   * given up so that every bound holds; that may be the new one, when the policy does not admit it.
   */
  onInsert(slot: number, key: K, weight: number): void;
  /** The entry of `slot` was overwritten, with this weight; evicts as `onInsert` does. */
  onUpdate(slot: number, weight: number): void;
  /** The entry of `slot` left the bucket for another reason (delete, invalidate, expiry). */
  onRemove(slot: number): void;
  /** Every key left the bucket. */
  onClear(): void;
  /** Resident keys, most worth keeping first: dumps are written in this order, so a smaller bound keeps the best. */
  ranked(): Iterable<K>;
  /** The total weight of the resident keys. */
  readonly weight: number;
}

/** Told of each slot a policy gives up, with the key it held. */
export type EvictSlot<K> = (slot: number, key: K) => void;

/** The bounds a policy enforces; `null` is no bound. */
export interface PolicyBounds {
  maxEntries: number | null;
  maxWeight: number | null;
}
