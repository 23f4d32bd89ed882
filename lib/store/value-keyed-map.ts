import { ownKey } from './key-copy.js';
import { hashKey, isStructuralKey, keysEqual } from './key-equality.js';
import { SpreadMap } from './spread-map.js';

/**
 * A Map whose object keys compare by value. Primitive keys go straight into one spread map of native Maps (the fast
 * path); an object key is replaced by the first equal key ever stored (its representative), found
 * through a structural hash, so insertion order and `keys()` stay those of a plain Map (up to the
 * size where the native maps spread, see `SpreadMap`).
 */
export class ValueKeyedMap<K, T> {
  private readonly entries = new SpreadMap<unknown, T>(hashKey);

  /** With `ownsKeys`, a new object key is stored as the map's own copy (`ownKey`), never the caller's object. */
  constructor(private readonly ownsKeys = false) {}

  /**
   * Structural hash → the slot of the representative key, or several on a hash collision. The slot
   * keeps the value too, so reading an object key takes one Map lookup after the hash, not two.
   */
  private readonly slots = new SpreadMap<number, Slot<T> | Collisions<T>>(hashKey);

  get size(): number {
    return this.entries.size;
  }

  get(key: K): T | undefined {
    if (!isStructuralKey(key)) return this.entries.get(key);
    return this.findSlot(key, hashKey(key))?.value;
  }

  has(key: K): boolean {
    if (!isStructuralKey(key)) return this.entries.has(key);
    return this.findSlot(key, hashKey(key)) !== undefined;
  }

  /** Stores `value`; returns the key it is stored under (for an object key, its representative). */
  set(key: K, value: T): K {
    return this.put(key, value, this.ownsKeys);
  }

  /** `set` of a key the caller knows is absent: an object key is hashed once and not looked for. */
  add(key: K, value: T): K {
    if (!isStructuralKey(key)) {
      this.entries.set(key, value);
      return key;
    }
    return this.addSlot(hashKey(key), value, this.ownsKeys ? ownKey(key) : key);
  }

  /** `set` with a key that is already some map's own copy: stored as it is, never copied again. */
  setOwn(key: K, value: T): void {
    this.put(key, value, false);
  }

  /** The representative of an object key equal to `key`, with its value, in one lookup. */
  entryOf(key: K & object): { readonly key: K; readonly value: T } | undefined {
    return this.findSlot(key, hashKey(key)) as { key: K; value: T } | undefined;
  }

  delete(key: K): boolean {
    if (!isStructuralKey(key)) return this.entries.delete(key);
    const hash = hashKey(key);
    const found = this.findSlot(key, hash);
    if (found === undefined) return false;
    const existing = this.slots.get(hash);
    if (existing instanceof Collisions && existing.slots.length > 2) existing.slots.splice(existing.slots.indexOf(found), 1);
    else if (existing instanceof Collisions) this.slots.set(hash, existing.slots.find((slot) => slot !== found)!);
    else this.slots.delete(hash);
    return this.entries.delete(found.key, hash);
  }

  clear(): void {
    this.entries.clear();
    this.slots.clear();
  }

  /** A new map with the same entries and representative keys. */
  copy(): ValueKeyedMap<K, T> {
    const copy = new ValueKeyedMap<K, T>(this.ownsKeys);
    for (const [key, value] of this.entries.entries()) copy.set(key as K, value);
    return copy;
  }

  /** Keys as they were first given (or the map's copies of them), in insertion order. */
  keys(): IterableIterator<K> {
    return this.entries.keys() as IterableIterator<K>;
  }

  /** The keys in an array, as `keys()` lists them. */
  keyList(): K[] {
    return this.entries.keyList() as K[];
  }

  [Symbol.iterator](): IterableIterator<[K, T]> {
    return this.entries.entries() as IterableIterator<[K, T]>;
  }

  /** `set`, copying a new object key when `copy` says so. */
  private put(key: K, value: T, copy: boolean): K {
    if (!isStructuralKey(key)) {
      this.entries.set(key, value);
      return key;
    }
    const hash = hashKey(key);
    const found = this.findSlot(key, hash);
    if (found === undefined) return this.addSlot(hash, value, copy ? ownKey(key) : key);
    found.value = value;
    this.entries.set(found.key, value, hash);
    return found.key as K;
  }

  /** Adds the slot of an absent object key, stored as `stored` (the key itself or the map's copy of it). */
  private addSlot(hash: number, value: T, stored: K & object): K {
    const slot = new Slot(stored, value);
    const existing = this.slots.get(hash);
    if (existing === undefined) this.slots.set(hash, slot);
    else if (existing instanceof Collisions) existing.slots.push(slot);
    else this.slots.set(hash, new Collisions([existing, slot]));
    this.entries.set(stored, value, hash);
    return stored as K;
  }

  private findSlot(key: object, hash: number): Slot<T> | undefined {
    const slot = this.slots.get(hash);
    if (slot === undefined) return undefined;
    if (slot instanceof Slot) return keysEqual(slot.key, key) ? slot : undefined;
    return slot.slots.find((item) => keysEqual(item.key, key));
  }
}

/** A representative key (the first equal key ever stored) and its value. */
class Slot<T> {
  constructor(
    readonly key: object,
    public value: T,
  ) {}
}

/** The slots of unequal keys that share one structural hash. */
class Collisions<T> {
  constructor(readonly slots: Slot<T>[]) {}
}
