import { isStructuralKey } from '../key-equality.js';
import { ValueKeyedMap } from '../value-keyed-map.js';
import { coarseNow } from './coarse-clock.js';
import type { EntryWeigher } from './entry-weigher.js';
import { createEvictionPolicy } from './eviction/index.js';
import { EXPIRED, IDLE, LIVE, Lifetimes, type AgeCause, type LifetimeSettings, type RemovalCause, type StoredAge } from './lifetimes.js';
import type { EvictionPolicy, PolicyBounds } from './policy.js';
import { SlotAllocator, withRoom } from './slot-allocator.js';
import { BURIED, SweepPurge } from './sweep-purge.js';

/** The bounds of a bounded bucket, with how its entries weigh (needed with `maxWeight` only). */
export interface BucketBounds<K, V> extends PolicyBounds {
  weigh: EntryWeigher<K, V> | null;
}

/** Who hears what a bucket with a policy or lifetimes does by itself; `null` while nobody listens. */
export interface BucketListeners<K> {
  /** Each key evicted or expired (once the write that evicted it is done), with why. */
  evicted: ((key: K, cause: RemovalCause) => void) | null;
  /** A read served an entry older than `refreshAfter`. */
  stale: ((key: K) => void) | null;
  /** The bucket started keeping ages, when it did not from the start (to start the sweep). */
  lifetimesStarted: (() => void) | null;
}

/** What `inspect(key)` tells of a resident entry, before the store adds whether it is reloading. */
export interface EntryState<V> {
  value: V;
  storedAt: number | null;
  lastReadAt: number | null;
  expiresAt: number | null;
}

/**
 * The entries of a bucket with a policy or lifetimes. Each entry has a slot: the map finds a key's
 * slot, the value sits in an array at it, and the policy and the lifetimes keep their bookkeeping in
 * typed arrays at the same slot. A read is then one lookup, whatever the bucket keeps per entry, and
 * an entry costs no object of its own. Every write goes through here, so that the policy evicts
 * before the write returns, and the lifetimes hear of each store.
 */
export class SlottedEntries<K, V> {
  /** Key → slot; holds its own copy of each object key, which is also the policy's key of it. */
  private index = new ValueKeyedMap<K, number>(true);
  private values: (V | undefined | typeof BURIED)[] = [];
  private readonly allocator = new SlotAllocator();
  /** The entries the sweep removed (`BURIED` in their slots) whose keys are still in the map. */
  private readonly purge = new SweepPurge<K>({
    index: () => this.index,
    isBuried: (slot) => this.values[slot] === BURIED,
    unmap: (key, slot) => this.unmap(key, slot),
    free: (slot) => this.free(slot),
    slotCount: () => this.values.length,
    replaceIndex: (map) => {
      this.index = map;
      if (map.size > 0) return;
      this.values = []; // nothing is left: every slot is free
      this.allocator.clear();
    },
  });
  readonly policy: EvictionPolicy<K> | null = null;
  /** Made at construction when the bucket has a lifetime setting, else by the first entry given its own max age. */
  lifetimes: Lifetimes<K> | null = null;
  /** Set when the bucket has a `maxWeight`: otherwise every entry weighs 1 and nothing is weighed. */
  private readonly weigh: EntryWeigher<K, V> | null = null;
  private readonly maxEntries: number = Infinity;
  private readonly maxWeight: number = Infinity;
  /** Entries evicted since startup (by size). */
  evictions = 0;
  /** Entries removed since startup by their age or idleness. */
  expirations = 0;
  /** Keys the write in progress evicted, told after it (a listener may write to the bucket again). */
  private evictedNow: K[] = [];

  constructor(
    bounds: BucketBounds<K, V> | null,
    private readonly lifetimeSettings: LifetimeSettings,
    withLifetimes: boolean,
    private readonly listeners: BucketListeners<K>,
  ) {
    if (withLifetimes) this.lifetimes = this.newLifetimes();
    if (bounds === null) return;
    this.maxEntries = bounds.maxEntries ?? Infinity;
    this.maxWeight = bounds.maxWeight ?? Infinity;
    if (bounds.maxWeight !== null) this.weigh = bounds.weigh;
    this.policy = createEvictionPolicy<K>(bounds, (slot, key) => this.evicted(slot, key));
  }

  get size(): number {
    return this.index.size - this.purge.buried;
  }

  /** The total weight of the entries, when the bucket has a `maxWeight`. */
  get weight(): number | null {
    return this.weigh === null ? null : this.policy!.weight;
  }

  /** The value, without it counting as a use; none once past its time. */
  get(key: K): V | undefined {
    const slot = this.servedSlot(key);
    return slot === undefined ? undefined : (this.values[slot] as V);
  }

  has(key: K): boolean {
    return this.servedSlot(key) !== undefined;
  }

  /** The slot of `key` while its entry may be served (not past its time), without it counting as a read. */
  private servedSlot(key: K): number | undefined {
    const slot = this.index.get(key);
    if (slot === undefined || this.lifetimes === null) return slot;
    return this.lifetimes.deadCause(slot, coarseNow()) === null ? slot : undefined;
  }

  /** The value, as a read that uses it. An entry past its age or idle time is removed instead, and the read misses. */
  read(key: K): V | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) return undefined;
    const lifetimes = this.lifetimes;
    if (lifetimes !== null) {
      const verdict = lifetimes.check(slot, coarseNow());
      if (verdict !== LIVE) {
        if (verdict === EXPIRED || verdict === IDLE) {
          this.expire(this.ownKey(key)!, verdict === EXPIRED ? 'expired' : 'idle');
          return undefined;
        }
        this.listeners.stale?.(this.ownKey(key)!);
      }
    }
    this.policy?.onRead(slot);
    return this.values[slot] as V;
  }

  /** Stores a value as a use of the key; evicts what no longer fits (maybe this key). As `Bucket.set`. */
  set(key: K, value: V, ownMaxAge: number, storedAt: number): void {
    if (ownMaxAge >= 0 && this.lifetimes === null) this.startLifetimes();
    let slot = this.index.get(key);
    let fresh = slot === undefined;
    let own = key;
    if (slot === undefined) {
      slot = this.allocator.take();
      own = this.index.add(key, slot);
      this.purge.added(own, slot);
    } else if (this.values[slot] === BURIED) {
      fresh = true; // buried by the sweep: back in its slot
      own = this.ownKey(key)!;
      this.purge.buried--;
      this.purge.added(own, slot);
    }
    if (slot >= this.values.length) this.values = withRoom(this.values, slot + 1, this.maxEntries);
    this.values[slot] = value;
    if (this.lifetimes !== null) this.stamp(slot, ownMaxAge, storedAt, true);
    const policy = this.policy;
    if (policy === null) return;
    const weight = this.weigh === null ? 1 : this.weigh(own, value);
    if (fresh) policy.onInsert(slot, own, weight);
    else policy.onUpdate(slot, weight);
    if (this.evictedNow.length > 0) this.tellEvicted();
  }

  /** A resident key takes a value that is no use of it. As `Bucket.update`. */
  update(key: K, value: V, ownMaxAge: number, storedAt: number): void {
    if (ownMaxAge >= 0 && this.lifetimes === null) this.startLifetimes();
    const slot = this.index.get(key)!;
    const old = this.values[slot] as V;
    this.values[slot] = value;
    if (this.lifetimes !== null) this.stamp(slot, ownMaxAge, storedAt, false);
    const weigh = this.weigh;
    if (weigh === null) return;
    const weight = weigh(key, value);
    if (weight === weigh(key, old)) return;
    this.policy!.onUpdate(slot, weight);
    if (this.evictedNow.length > 0) this.tellEvicted();
  }

  /** Fills from a dump or snapshot whose entries come most worth keeping first. As `Bucket.fillRanked`. */
  fillRanked(keys: K[], values: V[], ownMaxAges: number[], storedAts: number[]): void {
    const kept: number[] = [];
    let total = 0;
    for (let i = 0; i < keys.length && kept.length < this.maxEntries; i++) {
      const weight = this.weigh === null ? 1 : this.weigh(keys[i]!, values[i]!);
      if (total + weight > this.maxWeight) continue; // a lighter entry further on may still fit
      total += weight;
      kept.push(i);
    }
    // Least worth first, so that the policy's order agrees.
    for (let j = kept.length - 1; j >= 0; j--) {
      const i = kept[j]!;
      this.set(keys[i]!, values[i]!, ownMaxAges[i]!, storedAts[i]!);
    }
  }

  delete(key: K): boolean {
    const slot = this.index.get(key);
    if (slot === undefined || this.values[slot] === BURIED) return false;
    this.policy?.onRemove(slot);
    this.unmap(key, slot);
    return true;
  }

  clear(): void {
    this.index.clear();
    this.values = [];
    this.purge.clear();
    this.allocator.clear();
    this.policy?.onClear();
    this.lifetimes?.clear();
  }

  /**
   * The sweep found the entry of `own`, in `slot`, past its age or idle time: it is removed at once for reads,
   * writes and the policy, and its key leaves the map after the pass (`purgeStep`, see `SweepPurge`).
   * Tells the listener at once: no write is in progress.
   */
  bury(own: K, slot: number, cause: AgeCause): void {
    if (this.values[slot] === BURIED) return;
    this.policy?.onRemove(slot);
    this.values[slot] = BURIED;
    this.purge.buried++;
    this.purge.removed(own);
    this.expirations++;
    this.listeners.evicted?.(own, cause);
  }

  /** One step of taking the buried keys out of the map, after a sweep's pass: up to `limit` keys; true once none is left. */
  purgeStep(limit: number): boolean {
    return this.purge.step(limit);
  }

  /** A read or a failed refresh found the entry of `own` past its age or idle time: removed at once (unless the sweep has). */
  private expire(own: K, cause: AgeCause): void {
    const slot = this.index.get(own)!;
    if (this.values[slot] === BURIED) return;
    this.policy?.onRemove(slot);
    this.unmap(own, slot);
    this.expirations++;
    this.listeners.evicted?.(own, cause);
  }

  /** Removes the entry of `key` if it is past its age or idle time; returns whether it did. */
  expireIfDead(key: K): boolean {
    const slot = this.index.get(key);
    if (slot === undefined || this.lifetimes === null || this.values[slot] === BURIED) return false;
    const cause = this.lifetimes.deadCause(slot, Date.now());
    if (cause === null) return false;
    this.expire(this.ownKey(key)!, cause);
    return true;
  }

  inspect(key: K): EntryState<V> | undefined {
    const slot = this.index.get(key);
    if (slot === undefined) return undefined;
    const value = this.values[slot] as V;
    const lifetimes = this.lifetimes;
    if (lifetimes === null) return { value, storedAt: null, lastReadAt: null, expiresAt: null };
    if (lifetimes.deadCause(slot, Date.now()) !== null) return undefined;
    const due = lifetimes.dueOf(slot);
    return { value, storedAt: lifetimes.storedAtOf(slot), lastReadAt: lifetimes.lastReadAt(slot), expiresAt: due === Infinity ? null : due };
  }

  /** The age of a resident entry, as dumps and snapshots carry it; undefined while the bucket keeps none. */
  ageOf(own: K): StoredAge | undefined {
    const lifetimes = this.lifetimes;
    const slot = lifetimes === null ? undefined : this.index.get(own);
    if (slot === undefined) return undefined;
    return { storedAt: lifetimes!.storedAtOf(slot), ownMaxAge: lifetimes!.ownMaxAgeOf(slot) };
  }

  keys(): IterableIterator<K> {
    return this.purge.buried === 0 ? this.index.keys() : this.liveKeys();
  }

  keyList(): K[] {
    return this.purge.buried === 0 ? this.index.keyList() : [...this.liveKeys()];
  }

  private *liveKeys(): Generator<K> {
    for (const [key, slot] of this.index) if (this.values[slot] !== BURIED) yield key;
  }

  /** The entries, as dumps and snapshots write them: in a bounded bucket, most worth keeping first. */
  *[Symbol.iterator](): Generator<[K, V]> {
    if (this.policy === null) {
      for (const [key, slot] of this.index) if (this.values[slot] !== BURIED) yield [key, this.values[slot] as V];
      return;
    }
    for (const key of this.policy.ranked()) {
      // Ranked when the dump began: skip a key evicted or deleted while the dump was written.
      const slot = this.index.get(key);
      if (slot !== undefined) yield [key, this.values[slot] as V];
    }
  }

  /** The key as the bucket holds it (for an object key, its copy); undefined when absent. */
  private ownKey(key: K): K | undefined {
    if (!isStructuralKey(key)) return this.index.has(key) ? key : undefined;
    return this.index.entryOf(key)?.key;
  }

  private newLifetimes(): Lifetimes<K> {
    return new Lifetimes<K>(this.lifetimeSettings, () => this.index.keys(), (key) => this.index.get(key));
  }

  /** The first entry with its own max age: from now on ages are kept; the entries here count as stored now. */
  private startLifetimes(): void {
    const lifetimes = (this.lifetimes = this.newLifetimes());
    const now = Date.now();
    for (const [, slot] of this.index) lifetimes.stored(slot, now, -1, true, now);
    this.listeners.lifetimesStarted?.();
  }

  /** Tells the lifetimes of a store in `slot` (`storedAt` -1: now); `read`: the store is a use of the key. */
  private stamp(slot: number, ownMaxAge: number, storedAt: number, read: boolean): void {
    const now = Date.now();
    this.lifetimes!.stored(slot, storedAt < 0 ? now : storedAt, ownMaxAge, read, now);
  }

  /** The entry of `key` leaves the map (and the one a purge builds) and its slot is free. */
  private unmap(key: K, slot: number): void {
    this.index.delete(key);
    this.purge.removed(key);
    this.free(slot);
  }

  private free(slot: number): void {
    this.values[slot] = undefined;
    this.allocator.release(slot);
  }

  /** The policy gave up `slot`: the entry of `key` leaves. */
  private evicted(slot: number, key: K): void {
    this.unmap(key, slot);
    this.evictions++;
    if (this.listeners.evicted !== null) this.evictedNow.push(key);
  }

  private tellEvicted(): void {
    const keys = this.evictedNow;
    this.evictedNow = [];
    for (const key of keys) this.listeners.evicted?.(key, 'size');
  }
}
