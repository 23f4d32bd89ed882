import { ValueKeyedMap } from '../value-keyed-map.js';
import type { AgeCause, LifetimeSettings, Lifetimes, RemovalCause, StoredAge } from './lifetimes.js';
import { SlottedEntries, type BucketBounds, type BucketListeners, type EntryState } from './slotted-entries.js';

export type { BucketBounds, EntryState } from './slotted-entries.js';

const NO_LIFETIMES: LifetimeSettings = { maxAge: null, expireAfterIdle: null, refreshAfter: null };

/**
 * The entries of one bucket: keys compared by value, in insertion order. A bucket with neither a
 * bound nor lifetimes is one value-keyed map, and its reads pay nothing for those features; one with
 * either keeps slotted entries, which the policy and the lifetimes hear of on every write. A plain
 * bucket turns slotted when its first entry is given a max age of its own.
 */
export class Bucket<K, V> {
  /** The plain bucket's entries; holds its own copy of each object key, so a caller changing its key object can't corrupt the bucket. */
  private readonly entries = new ValueKeyedMap<K, V>(true);
  private slotted: SlottedEntries<K, V> | null = null;
  private readonly listeners: BucketListeners<K> = { evicted: null, stale: null, lifetimesStarted: null };

  constructor(
    bounds: BucketBounds<K, V> | null = null,
    private readonly lifetimeSettings: LifetimeSettings = NO_LIFETIMES,
  ) {
    const { maxAge, expireAfterIdle, refreshAfter } = lifetimeSettings;
    const withLifetimes = maxAge !== null || expireAfterIdle !== null || refreshAfter !== null;
    if (bounds !== null || withLifetimes) this.slotted = new SlottedEntries<K, V>(bounds, lifetimeSettings, withLifetimes, this.listeners);
  }

  /** Told of each key evicted or expired (once the write that evicted it is done), with why; `null` while nobody listens. */
  set onEvicted(listener: ((key: K, cause: RemovalCause) => void) | null) {
    this.listeners.evicted = listener;
  }

  get onEvicted(): ((key: K, cause: RemovalCause) => void) | null {
    return this.listeners.evicted;
  }

  /** Told of a read that served an entry older than `refreshAfter`. */
  set onStale(listener: (key: K) => void) {
    this.listeners.stale = listener;
  }

  /** Told once the bucket starts keeping ages, if it did not from the start (to start the sweep). */
  set onLifetimesStarted(listener: () => void) {
    this.listeners.lifetimesStarted = listener;
  }

  get bounded(): boolean {
    return this.slotted !== null && this.slotted.policy !== null;
  }

  /** The per-entry ages, once the bucket keeps them. */
  get ages(): Lifetimes<K> | null {
    return this.slotted === null ? null : this.slotted.lifetimes;
  }

  get size(): number {
    return this.slotted === null ? this.entries.size : this.slotted.size;
  }

  /** The total weight of the entries, when the bucket has a `maxWeight`. */
  get weight(): number | null {
    return this.slotted === null ? null : this.slotted.weight;
  }

  /** Entries evicted since startup (by size). */
  get evictions(): number {
    return this.slotted === null ? 0 : this.slotted.evictions;
  }

  /** Entries removed since startup by their age or idleness. */
  get expirations(): number {
    return this.slotted === null ? 0 : this.slotted.expirations;
  }

  /** The value, without it counting as a use (`peek`, `has`, a refresh's old value); none once past its time. */
  get(key: K): V | undefined {
    return this.slotted === null ? this.entries.get(key) : this.slotted.get(key);
  }

  has(key: K): boolean {
    return this.slotted === null ? this.entries.has(key) : this.slotted.has(key);
  }

  /**
   * The value, as a read that uses it (a `fetch`, `get` or `fetchNoSave` that hits). An entry past
   * its age or idle time is removed instead, and the read misses.
   */
  read(key: K): V | undefined {
    return this.slotted === null ? this.entries.get(key) : this.slotted.read(key);
  }

  /**
   * Stores a value, new or over the old one, as a use of the key; in a bounded bucket, evicts what no
   * longer fits (maybe this key). `ownMaxAge` (-1: none) overrides the bucket's `maxAge` for this
   * entry; `storedAt` (-1: now) is when the value was loaded (a dump's entries were loaded before).
   */
  set(key: K, value: V, ownMaxAge = -1, storedAt = -1): void {
    const slotted = this.slottedFor(ownMaxAge);
    if (slotted === null) this.entries.set(key, value);
    else slotted.set(key, value, ownMaxAge, storedAt);
  }

  /**
   * A resident key (the caller has just checked) takes a new value that is no use of the key: a
   * refresh, another instance's snapshot. The policy hears of it only when the key's weight changed.
   * Its age starts again (at `storedAt`, -1: now), with `ownMaxAge` as in `set`.
   */
  update(key: K, value: V, ownMaxAge = -1, storedAt = -1): void {
    const slotted = this.slottedFor(ownMaxAge);
    if (slotted === null) this.entries.set(key, value);
    else slotted.update(key, value, ownMaxAge, storedAt);
  }

  /**
   * Fills a bounded bucket from a dump or snapshot whose entries come most worth keeping first: the
   * first that fit the bounds are kept, and handed to the policy least worth first, so that its order agrees.
   */
  fillRanked(keys: K[], values: V[], ownMaxAges: number[], storedAts: number[]): void {
    this.slotted!.fillRanked(keys, values, ownMaxAges, storedAts);
  }

  delete(key: K): boolean {
    return this.slotted === null ? this.entries.delete(key) : this.slotted.delete(key);
  }

  clear(): void {
    if (this.slotted === null) this.entries.clear();
    else this.slotted.clear();
  }

  /** The sweep found a resident entry (by its own key, in `slot`) past its age or idle time: removed; its key leaves the map in `purgeStep`. */
  bury(own: K, slot: number, cause: AgeCause): void {
    this.slotted!.bury(own, slot, cause);
  }

  /** One step of taking the keys the sweep removed out of the map; true once none is left. */
  purgeStep(limit: number): boolean {
    return this.slotted === null || this.slotted.purgeStep(limit);
  }

  /** Removes the entry of `key` if it is past its age or idle time; returns whether it did. */
  expireIfDead(key: K): boolean {
    return this.slotted !== null && this.slotted.expireIfDead(key);
  }

  /** What `inspect` shows of a resident entry, without it counting as a read; undefined once past its time. */
  inspect(key: K): EntryState<V> | undefined {
    if (this.slotted !== null) return this.slotted.inspect(key);
    if (!this.entries.has(key)) return undefined;
    return { value: this.entries.get(key) as V, storedAt: null, lastReadAt: null, expiresAt: null };
  }

  /** The age of a resident entry (by its own key), as dumps and snapshots carry it; undefined while the bucket keeps none. */
  ageOf(own: K): StoredAge | undefined {
    return this.slotted === null ? undefined : this.slotted.ageOf(own);
  }

  /** Copies of the keys as they were first given, in insertion order. */
  keys(): IterableIterator<K> {
    return this.slotted === null ? this.entries.keys() : this.slotted.keys();
  }

  /** `keys()` in an array. */
  keyList(): K[] {
    return this.slotted === null ? this.entries.keyList() : this.slotted.keyList();
  }

  /** The keys whose entries may be served: an entry past its time and not swept yet is not listed. */
  servedKeyList(): K[] {
    const keys = this.keyList();
    return this.ages === null ? keys : keys.filter((key) => this.has(key));
  }

  /** The entries, as dumps and snapshots write them: in a bounded bucket, most worth keeping first. */
  [Symbol.iterator](): Iterator<[K, V]> {
    return this.slotted === null ? this.entries[Symbol.iterator]() : this.slotted[Symbol.iterator]();
  }

  /** The slotted entries a store with this own max age goes to; null: the plain map (no own max age yet). */
  private slottedFor(ownMaxAge: number): SlottedEntries<K, V> | null {
    if (this.slotted === null && ownMaxAge >= 0) this.startSlotted();
    return this.slotted;
  }

  /** A plain bucket's first entry with its own max age: its entries move into slots, counted as stored now. */
  private startSlotted(): void {
    const slotted = new SlottedEntries<K, V>(null, this.lifetimeSettings, true, this.listeners);
    for (const [key, value] of this.entries) slotted.set(key, value, -1, -1);
    this.entries.clear();
    this.slotted = slotted;
    this.listeners.lifetimesStarted?.();
  }
}
