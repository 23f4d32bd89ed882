import { isStructuralKey } from '../key-equality.js';
import { ValueKeyedMap } from '../value-keyed-map.js';
import type { EntryWeigher } from './entry-weigher.js';
import { createEvictionPolicy } from './eviction/index.js';
import type { EvictionPolicy, PolicyBounds } from './policy.js';

/** The bounds of a bounded bucket, with how its entries weigh (needed with `maxWeight` only). */
export interface BucketBounds<K, V> extends PolicyBounds {
  weigh: EntryWeigher<K, V> | null;
}

/**
 * The entries of one bucket: keys compared by value, in insertion order. Every write to the bucket's
 * contents goes through here, so that the policy of a bounded bucket hears of each one and evicts
 * before the write returns. An unbounded bucket has no policy: its reads and writes pay nothing for bounds.
 */
export class Bucket<K, V> {
  private readonly entries = new ValueKeyedMap<K, V>();
  private readonly policy: EvictionPolicy<K> | null = null;
  /** Set when the bucket has a `maxWeight`: otherwise every entry weighs 1 and nothing is weighed. */
  private readonly weigh: EntryWeigher<K, V> | null = null;
  private readonly maxEntries = Infinity;
  private readonly maxWeight = Infinity;
  /** Entries evicted since startup. */
  evictions = 0;
  /** Told of each evicted key once the write that evicted it is done; `null` while nobody listens. */
  onEvicted: ((key: K) => void) | null = null;
  /** Keys the write in progress evicted, told after it (a listener may write to the bucket again). */
  private evictedNow: K[] = [];

  constructor(bounds: BucketBounds<K, V> | null = null) {
    if (bounds === null) return;
    this.maxEntries = bounds.maxEntries ?? Infinity;
    this.maxWeight = bounds.maxWeight ?? Infinity;
    if (bounds.maxWeight !== null) this.weigh = bounds.weigh;
    this.policy = createEvictionPolicy<K>(bounds, (key) => this.evict(key));
  }

  get bounded(): boolean {
    return this.policy !== null;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The total weight of the entries, when the bucket has a `maxWeight`. */
  get weight(): number | null {
    return this.weigh === null ? null : this.policy!.weight;
  }

  /** The value, without it counting as a use (`peek`, `has`, a refresh's old value). */
  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, as a read that uses it (a `fetch`, `get` or `fetchNoSave` that hits). */
  read(key: K): V | undefined {
    const policy = this.policy;
    if (policy === null) return this.entries.get(key);
    if (!isStructuralKey(key)) {
      const value = this.entries.get(key);
      if (value !== undefined || this.entries.has(key)) policy.onRead(key);
      return value;
    }
    const entry = this.entries.entryOf(key);
    if (entry === undefined) return undefined;
    policy.onRead(entry.key);
    return entry.value;
  }

  /** Stores a value, new or over the old one; in a bounded bucket, evicts what no longer fits (maybe this key). */
  set(key: K, value: V): void {
    const own = this.entries.set(key, value);
    if (this.policy === null) return;
    this.policy.onInsert(own, this.weigh === null ? 1 : this.weigh(own, value));
    if (this.evictedNow.length > 0) this.tellEvicted();
  }

  /**
   * A resident key (the caller has just checked) takes a new value that is no use of the key: a
   * refresh, another instance's snapshot. The policy hears of it only when the key's weight changed.
   */
  update(key: K, value: V): void {
    const weigh = this.weigh;
    if (weigh === null) {
      this.entries.set(key, value);
      return;
    }
    const old = this.entries.get(key) as V;
    const own = this.entries.set(key, value);
    const weight = weigh(own, value);
    if (weight === weigh(own, old)) return;
    this.policy!.onInsert(own, weight);
    if (this.evictedNow.length > 0) this.tellEvicted();
  }

  /**
   * Fills a bounded bucket from a dump or snapshot whose entries come most worth keeping first: the
   * first that fit the bounds are kept, and handed to the policy least worth first, so that its order agrees.
   */
  fillRanked(keys: K[], values: V[]): void {
    const policy = this.policy!;
    const kept: number[] = [];
    const weights: number[] = [];
    let total = 0;
    for (let i = 0; i < keys.length && kept.length < this.maxEntries; i++) {
      const weight = this.weigh === null ? 1 : this.weigh(keys[i]!, values[i]!);
      if (total + weight > this.maxWeight) continue; // a lighter entry further on may still fit
      total += weight;
      kept.push(i);
      weights.push(weight);
    }
    for (let j = kept.length - 1; j >= 0; j--) {
      policy.onInsert(this.entries.set(keys[kept[j]!]!, values[kept[j]!]!), weights[j]!);
    }
    if (this.evictedNow.length > 0) this.tellEvicted();
  }

  delete(key: K): boolean {
    const policy = this.policy;
    if (policy === null) return this.entries.delete(key);
    if (!isStructuralKey(key)) {
      if (!this.entries.delete(key)) return false;
      policy.onRemove(key);
      return true;
    }
    const entry = this.entries.entryOf(key);
    if (entry === undefined) return false;
    this.entries.delete(entry.key);
    policy.onRemove(entry.key);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.policy?.onClear();
  }

  /** Keys as they were first given, in insertion order. */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  /** The entries, as dumps and snapshots write them: in a bounded bucket, most worth keeping first. */
  [Symbol.iterator](): Iterator<[K, V]> {
    return this.policy === null ? this.entries[Symbol.iterator]() : this.ranked(this.policy);
  }

  private *ranked(policy: EvictionPolicy<K>): Generator<[K, V]> {
    for (const key of policy.ranked()) {
      const value = this.entries.get(key);
      // Ranked when the dump began: skip a key evicted or deleted while the dump was written.
      if (value !== undefined || this.entries.has(key)) yield [key, value as V];
    }
  }

  private evict(key: K): void {
    this.entries.delete(key);
    this.evictions++;
    if (this.onEvicted !== null) this.evictedNow.push(key);
  }

  private tellEvicted(): void {
    const keys = this.evictedNow;
    this.evictedNow = [];
    for (const key of keys) this.onEvicted?.(key);
  }
}
