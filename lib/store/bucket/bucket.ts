import { isStructuralKey } from '../key-equality.js';
import { coarseNow } from './coarse-clock.js';
import { ValueKeyedMap } from '../value-keyed-map.js';
import type { EntryWeigher } from './entry-weigher.js';
import { createEvictionPolicy } from './eviction/index.js';
import { EXPIRED, IDLE, Lifetimes, STALE, type AgeCause, type EntryTimes, type LifetimeSettings, type RemovalCause } from './lifetimes.js';
import type { EvictionPolicy, PolicyBounds } from './policy.js';

/** The bounds of a bounded bucket, with how its entries weigh (needed with `maxWeight` only). */
export interface BucketBounds<K, V> extends PolicyBounds {
  weigh: EntryWeigher<K, V> | null;
}

/** What `inspect(key)` tells of a resident entry, before the store adds whether it is reloading. */
export interface EntryState<V> {
  value: V;
  storedAt: number | null;
  lastReadAt: number | null;
  expiresAt: number | null;
}

/**
 * The entries of one bucket: keys compared by value, in insertion order. Every write to the bucket's
 * contents goes through here, so that the policy of a bounded bucket hears of each one and evicts
 * before the write returns, and the lifetimes of a bucket with ages hear of each one too. A bucket
 * with neither has no policy and no lifetimes: its reads and writes pay nothing for them.
 */
export class Bucket<K, V> {
  /** Holds its own copy of each object key: a caller changing its key object later can't corrupt the bucket. */
  private readonly entries = new ValueKeyedMap<K, V>(true);
  private readonly policy: EvictionPolicy<K> | null = null;
  /**
   * Per-entry ages: made at construction when the bucket has a lifetime setting, else by the first
   * entry given its own max age (by `load` or `set`).
   */
  private lifetimes: Lifetimes<K, V> | null = null;
  /** No policy and no lifetimes: a read is one lookup. */
  private plain: boolean;
  /** Set when the bucket has a `maxWeight`: otherwise every entry weighs 1 and nothing is weighed. */
  private readonly weigh: EntryWeigher<K, V> | null = null;
  private readonly maxEntries = Infinity;
  private readonly maxWeight = Infinity;
  /** Entries evicted since startup (by size). */
  evictions = 0;
  /** Entries removed since startup by their age or idleness. */
  expirations = 0;
  /**
   * Told of each key evicted or expired (once the write that evicted it is done), with why; `null`
   * while nobody listens.
   */
  onEvicted: ((key: K, cause: RemovalCause) => void) | null = null;
  /** Told of a read that served an entry older than `refreshAfter`. */
  onStale: ((key: K) => void) | null = null;
  /** Told once the bucket starts keeping ages, if it did not from the start (to start the sweep). */
  onLifetimesStarted: (() => void) | null = null;
  /** Keys the write in progress evicted, told after it (a listener may write to the bucket again). */
  private evictedNow: K[] = [];

  constructor(
    bounds: BucketBounds<K, V> | null = null,
    private readonly lifetimeSettings: LifetimeSettings = { maxAge: null, expireAfterIdle: null, refreshAfter: null },
  ) {
    const { maxAge, expireAfterIdle, refreshAfter } = lifetimeSettings;
    if (maxAge !== null || expireAfterIdle !== null || refreshAfter !== null) this.lifetimes = new Lifetimes<K, V>(lifetimeSettings);
    this.plain = bounds === null && this.lifetimes === null;
    if (bounds === null) return;
    this.maxEntries = bounds.maxEntries ?? Infinity;
    this.maxWeight = bounds.maxWeight ?? Infinity;
    if (bounds.maxWeight !== null) this.weigh = bounds.weigh;
    this.policy = createEvictionPolicy<K>(bounds, (key) => this.evict(key));
  }

  get bounded(): boolean {
    return this.policy !== null;
  }

  /** The per-entry ages, once the bucket keeps them. */
  get ages(): Lifetimes<K, V> | null {
    return this.lifetimes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The total weight of the entries, when the bucket has a `maxWeight`. */
  get weight(): number | null {
    return this.weigh === null ? null : this.policy!.weight;
  }

  /** The value, without it counting as a use (`peek`, `has`, a refresh's old value); none once past its time. */
  get(key: K): V | undefined {
    if (this.lifetimes === null) return this.entries.get(key);
    const own = this.ownKey(key);
    return own === undefined || this.lifetimes.deadCause(own, coarseNow()) !== null ? undefined : this.entries.get(own);
  }

  has(key: K): boolean {
    if (this.lifetimes === null) return this.entries.has(key);
    const own = this.ownKey(key);
    return own !== undefined && this.lifetimes.deadCause(own, coarseNow()) === null;
  }

  /**
   * The value, as a read that uses it (a `fetch`, `get` or `fetchNoSave` that hits). An entry past
   * its age or idle time is removed instead, and the read misses.
   */
  read(key: K): V | undefined {
    if (this.plain) return this.entries.get(key);
    return this.readTracked(key);
  }

  /** `read` in a bucket with a policy or lifetimes: kept apart, so that the plain read stays small enough to inline. */
  private readTracked(key: K): V | undefined {
    const lifetimes = this.lifetimes;
    if (lifetimes !== null && !isStructuralKey(key)) {
      const times = lifetimes.timesOf(key); // holds the value too: one lookup
      return times === undefined ? undefined : this.served(key, times, lifetimes);
    }
    let own: K;
    let value: V | undefined;
    if (!isStructuralKey(key)) {
      value = this.entries.get(key);
      if (value === undefined && !this.entries.has(key)) return undefined;
      own = key;
    } else {
      const entry = this.entries.entryOf(key);
      if (entry === undefined) return undefined;
      own = entry.key;
      value = entry.value;
    }
    const times = lifetimes?.timesOf(own);
    if (times !== undefined) return this.served(own, times, lifetimes!);
    this.policy?.onRead(own);
    return value;
  }

  /** A read found the entry of `own`: its value, unless it is past its time (then it is removed). */
  private served(own: K, times: EntryTimes<V>, lifetimes: Lifetimes<K, V>): V | undefined {
    const verdict = lifetimes.check(times, coarseNow());
    if (verdict === EXPIRED || verdict === IDLE) {
      this.expire(own, verdict === EXPIRED ? 'expired' : 'idle');
      return undefined;
    }
    if (verdict === STALE) this.onStale?.(own);
    this.policy?.onRead(own);
    return times.value;
  }

  /**
   * Stores a value, new or over the old one, as a use of the key; in a bounded bucket, evicts what no
   * longer fits (maybe this key). `ownMaxAge` (-1: none) overrides the bucket's `maxAge` for this
   * entry; `storedAt` (-1: now) is when the value was loaded (a dump's entries were loaded before).
   */
  set(key: K, value: V, ownMaxAge = -1, storedAt = -1): void {
    const own = this.entries.set(key, value);
    if (this.plain && ownMaxAge < 0) return;
    if (ownMaxAge >= 0 && this.lifetimes === null) this.startLifetimes();
    if (this.lifetimes !== null) {
      const now = Date.now();
      this.lifetimes.stored(own, value, storedAt < 0 ? now : storedAt, ownMaxAge, true, now);
    }
    if (this.policy === null) return;
    this.policy.onInsert(own, this.weigh === null ? 1 : this.weigh(own, value));
    if (this.evictedNow.length > 0) this.tellEvicted();
  }

  /**
   * A resident key (the caller has just checked) takes a new value that is no use of the key: a
   * refresh, another instance's snapshot. The policy hears of it only when the key's weight changed.
   * Its age starts again (at `storedAt`, -1: now), with `ownMaxAge` as in `set`.
   */
  update(key: K, value: V, ownMaxAge = -1, storedAt = -1): void {
    if (ownMaxAge >= 0 && this.lifetimes === null) this.startLifetimes();
    const weigh = this.weigh;
    const old = weigh === null ? undefined : (this.entries.get(key) as V);
    const own = this.entries.set(key, value);
    if (this.lifetimes !== null) {
      const now = Date.now();
      this.lifetimes.stored(own, value, storedAt < 0 ? now : storedAt, ownMaxAge, false, now);
    }
    if (weigh === null) return;
    const weight = weigh(own, value);
    if (weight === weigh(own, old as V)) return;
    this.policy!.onInsert(own, weight);
    if (this.evictedNow.length > 0) this.tellEvicted();
  }

  /**
   * Fills a bounded bucket from a dump or snapshot whose entries come most worth keeping first: the
   * first that fit the bounds are kept, and handed to the policy least worth first, so that its order agrees.
   */
  fillRanked(keys: K[], values: V[], ownMaxAges: number[], storedAts: number[]): void {
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
    const lifetimes = this.lifetimes;
    const now = Date.now();
    for (let j = kept.length - 1; j >= 0; j--) {
      const i = kept[j]!;
      const own = this.entries.set(keys[i]!, values[i]!);
      lifetimes?.stored(own, values[i]!, storedAts[i]!, ownMaxAges[i]!, true, now);
      policy.onInsert(own, weights[j]!);
    }
    if (this.evictedNow.length > 0) this.tellEvicted();
  }

  delete(key: K): boolean {
    if (this.plain) return this.entries.delete(key);
    const own = this.ownKey(key);
    if (own === undefined) return false;
    this.entries.delete(own);
    this.policy?.onRemove(own);
    this.lifetimes?.removed(own);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.policy?.onClear();
    this.lifetimes?.clear();
  }

  /**
   * Removes a resident entry (by its own key) whose age or idle time is past: the read that found
   * it, or the sweep. Tells the listener at once: no write is in progress.
   */
  expire(own: K, cause: AgeCause): void {
    this.entries.delete(own);
    this.policy?.onRemove(own);
    this.lifetimes!.removed(own);
    this.expirations++;
    this.onEvicted?.(own, cause);
  }

  /** Removes the entry of `key` if it is past its age or idle time; returns whether it did. */
  expireIfDead(key: K): boolean {
    if (this.lifetimes === null) return false;
    const own = this.ownKey(key);
    const cause = own === undefined ? null : this.lifetimes.deadCause(own, Date.now());
    if (cause === null) return false;
    this.expire(own!, cause);
    return true;
  }

  /** What `inspect` shows of a resident entry, without it counting as a read; undefined once past its time. */
  inspect(key: K): EntryState<V> | undefined {
    const own = this.ownKey(key);
    if (own === undefined) return undefined;
    const value = this.entries.get(own) as V;
    const lifetimes = this.lifetimes;
    const times = lifetimes?.timesOf(own);
    if (lifetimes === null || times === undefined) return { value, storedAt: null, lastReadAt: null, expiresAt: null };
    if (lifetimes.deadCause(own, Date.now()) !== null) return undefined;
    const due = lifetimes.dueOf(times);
    return { value, storedAt: times.storedAt, lastReadAt: times.lastReadAt, expiresAt: due === Infinity ? null : due };
  }

  /** The age of a resident entry (by its own key), as dumps and snapshots carry it. */
  ageOf(own: K): EntryTimes<V> | undefined {
    return this.lifetimes?.timesOf(own);
  }

  /** Copies of the keys as they were first given, in insertion order. */
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

  /** The key as the bucket holds it (for an object key, its representative); undefined when absent. */
  private ownKey(key: K): K | undefined {
    if (!isStructuralKey(key)) return this.entries.has(key) ? key : undefined;
    return this.entries.entryOf(key)?.key;
  }

  /**
   * The first entry with its own max age: from now on the bucket keeps ages. The entries already here
   * count as stored now, since when they were is not known.
   */
  private startLifetimes(): void {
    const lifetimes = (this.lifetimes = new Lifetimes<K, V>(this.lifetimeSettings));
    this.plain = false;
    const now = Date.now();
    for (const [own, value] of this.entries) lifetimes.stored(own, value, now, -1, false, now);
    this.onLifetimesStarted?.();
  }

  private evict(key: K): void {
    this.entries.delete(key);
    this.lifetimes?.removed(key);
    this.evictions++;
    if (this.onEvicted !== null) this.evictedNow.push(key);
  }

  private tellEvicted(): void {
    const keys = this.evictedNow;
    this.evictedNow = [];
    for (const key of keys) this.onEvicted?.(key, 'size');
  }
}
