import { ValueKeyedMap } from '../value-keyed-map.js';

/**
 * The entries of one bucket: keys compared by value, in insertion order. Every write to the bucket's
 * contents goes through here, so a policy that bounds the bucket sees each of them.
 */
export class Bucket<K, V> {
  /** Holds its own copy of each object key: a caller changing its key object later can't corrupt the bucket. */
  private readonly entries = new ValueKeyedMap<K, V>(true);

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Copies of the keys as they were first given, in insertion order. */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  /** The entries, as dumps and snapshots write them. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries[Symbol.iterator]();
  }
}
