import { hashKey, isStructuralKey, keysEqual } from './key-equality.js';

/**
 * A Map whose object keys compare by value. Primitive keys go straight into one native Map (the fast
 * path); an object key is replaced by the first equal key ever stored (its representative), found
 * through a structural hash, so insertion order and `keys()` stay those of a plain Map.
 */
export class ValueKeyedMap<K, T> {
  private readonly entries = new Map<unknown, T>();
  /** Structural hash → representative key, or several on a hash collision. */
  private readonly representatives = new Map<number, object | Collisions>();

  get size(): number {
    return this.entries.size;
  }

  get(key: K): T | undefined {
    if (!isStructuralKey(key)) return this.entries.get(key);
    const rep = this.findRepresentative(key, hashKey(key));
    return rep === undefined ? undefined : this.entries.get(rep);
  }

  has(key: K): boolean {
    if (!isStructuralKey(key)) return this.entries.has(key);
    return this.findRepresentative(key, hashKey(key)) !== undefined;
  }

  set(key: K, value: T): void {
    if (!isStructuralKey(key)) {
      this.entries.set(key, value);
      return;
    }
    const hash = hashKey(key);
    const rep = this.findRepresentative(key, hash);
    if (rep !== undefined) {
      this.entries.set(rep, value);
      return;
    }
    const slot = this.representatives.get(hash);
    if (slot === undefined) this.representatives.set(hash, key);
    else if (slot instanceof Collisions) slot.keys.push(key);
    else this.representatives.set(hash, new Collisions([slot, key]));
    this.entries.set(key, value);
  }

  delete(key: K): boolean {
    if (!isStructuralKey(key)) return this.entries.delete(key);
    const hash = hashKey(key);
    const rep = this.findRepresentative(key, hash);
    if (rep === undefined) return false;
    const slot = this.representatives.get(hash);
    if (slot instanceof Collisions && slot.keys.length > 2) slot.keys.splice(slot.keys.indexOf(rep), 1);
    else if (slot instanceof Collisions) this.representatives.set(hash, slot.keys.find((item) => item !== rep)!);
    else this.representatives.delete(hash);
    return this.entries.delete(rep);
  }

  clear(): void {
    this.entries.clear();
    this.representatives.clear();
  }

  /** Keys as they were first given, in insertion order. */
  keys(): IterableIterator<K> {
    return this.entries.keys() as IterableIterator<K>;
  }

  [Symbol.iterator](): IterableIterator<[K, T]> {
    return this.entries.entries() as IterableIterator<[K, T]>;
  }

  private findRepresentative(key: object, hash: number): object | undefined {
    const slot = this.representatives.get(hash);
    if (slot === undefined) return undefined;
    if (!(slot instanceof Collisions)) return keysEqual(slot, key) ? slot : undefined;
    return slot.keys.find((rep) => keysEqual(rep, key));
  }
}

/** The representatives of unequal keys that share one structural hash. */
class Collisions {
  constructor(readonly keys: object[]) {}
}
