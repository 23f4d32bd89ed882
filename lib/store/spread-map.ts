/**
 * Keys one native Map holds before they are spread. A Map grows by rehashing all its keys in one
 * synchronous step, which stops the event loop for as long: 20 to 70 ms at 2^18 keys here, 200 to
 * 370 ms at 2^20, over half a second at 2^21. Spreading costs about twice a rehash of as many keys.
 */
const SPREAD_FROM = 1 << 15;

/** A spread map's native maps: 2^6, so each holds a few tens of thousands of keys at millions. */
const SHARD_BITS = 6;
const SHARD_COUNT = 1 << SHARD_BITS;

/** How many trailing characters of a string key choose its shard: ids differ at the end, prefixes are shared. */
const STRING_TAIL = 24;

/**
 * A Map that never rehashes more than a few tens of thousands of keys in one step. Up to
 * `SPREAD_FROM` keys it is one native Map, in insertion order; from there on its keys are spread over
 * `SHARD_COUNT` native maps by a hash of the key (each grows on its own), and iteration goes shard by
 * shard. An object key is spread by `hashOf` (or by the hash its caller already has), since its
 * identity has no hash that JavaScript can read.
 */
export class SpreadMap<K, V> {
  private one: Map<K, V> | null = new Map();
  private shards: Map<K, V>[] | null = null;
  private count = 0;

  constructor(private readonly hashOf: (key: K & object) => number) {}

  get size(): number {
    return this.one !== null ? this.one.size : this.count;
  }

  get(key: K): V | undefined {
    const one = this.one;
    return one !== null ? one.get(key) : this.shards![this.shardOf(key)]!.get(key);
  }

  has(key: K): boolean {
    const one = this.one;
    return one !== null ? one.has(key) : this.shards![this.shardOf(key)]!.has(key);
  }

  /** Stores `value` under `key`; `hash`, when given, is the hash of an object key (spared from computing it again). */
  set(key: K, value: V, hash?: number): void {
    const one = this.one;
    if (one !== null) {
      one.set(key, value);
      if (one.size >= SPREAD_FROM) this.spread(one);
      return;
    }
    const shard = this.shardFor(key, hash);
    const before = shard.size;
    shard.set(key, value);
    this.count += shard.size - before;
  }

  delete(key: K, hash?: number): boolean {
    const one = this.one;
    if (one !== null) return one.delete(key);
    const deleted = this.shardFor(key, hash).delete(key);
    if (deleted) this.count--;
    return deleted;
  }

  clear(): void {
    // Clearing the native maps ends every iteration open over them.
    if (this.one !== null) this.one.clear();
    else for (const shard of this.shards!) shard.clear();
    this.one = new Map();
    this.shards = null;
    this.count = 0;
  }

  keys(): IterableIterator<K> {
    return new SpreadIterator<K, V, K>(this, this.one, this.shards, false);
  }

  entries(): IterableIterator<[K, V]> {
    return new SpreadIterator<K, V, [K, V]>(this, this.one, this.shards, true);
  }

  /** The keys in an array, copied a native map at a time (far faster than through an iterator). */
  keyList(): K[] {
    if (this.one !== null) return [...this.one.keys()];
    const list = new Array<K>(this.count);
    let at = 0;
    for (const shard of this.shards!) for (const key of shard.keys()) list[at++] = key;
    return list;
  }

  /** Whether `one` is still this map's single native map (no spread since an iteration over it opened). */
  holdsOne(one: Map<K, V>): boolean {
    return this.one === one;
  }

  private spread(one: Map<K, V>): void {
    const shards = Array.from({ length: SHARD_COUNT }, () => new Map<K, V>());
    for (const [key, value] of one) shards[this.shardOf(key)]!.set(key, value);
    this.shards = shards;
    this.count = one.size;
    this.one = null;
  }

  /** The native map of `key` in a spread map; `hash`, when given, is an object key's hash. */
  private shardFor(key: K, hash: number | undefined): Map<K, V> {
    return this.shards![hash === undefined ? this.shardOf(key) : shardOfHash(hash)]!;
  }

  private shardOf(key: K): number {
    if (typeof key === 'string') return shardOfString(key);
    if (typeof key === 'number') return shardOfHash((key | 0) ^ ((key / 0x100000000) | 0));
    if (typeof key === 'object' && key !== null) return shardOfHash(this.hashOf(key));
    if (typeof key === 'bigint') return shardOfString(key.toString(36));
    return 0;
  }
}

function shardOfString(key: string): number {
  let hash = key.length;
  const from = key.length > STRING_TAIL ? key.length - STRING_TAIL : 0;
  for (let i = key.length - 1; i >= from; i--) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return shardOfHash(hash);
}

/** The top bits of a Fibonacci multiply: they depend on every bit of `hash`. */
function shardOfHash(hash: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> (32 - SHARD_BITS);
}

/**
 * An iteration over a spread map: the native maps' own iterations, one after the other. One opened
 * before the map spread goes on over the old native map, which then stays as it was: what it still
 * lists is checked against the live map, and an entry's value read from it.
 */
class SpreadIterator<K, V, R extends K | [K, V]> implements IterableIterator<R> {
  private current: Iterator<R>;
  private shard = 0;

  constructor(
    private readonly map: SpreadMap<K, V>,
    private readonly one: Map<K, V> | null,
    private readonly shards: Map<K, V>[] | null,
    private readonly pairs: boolean,
  ) {
    this.current = this.over(one ?? shards![0]!);
  }

  next(): IteratorResult<R> {
    for (;;) {
      const result = this.current.next();
      if (result.done) {
        if (this.shards === null || ++this.shard === this.shards.length) return result;
        this.current = this.over(this.shards[this.shard]!);
        continue;
      }
      if (this.one === null || this.map.holdsOne(this.one)) return result;
      const key = (this.pairs ? (result.value as [K, V])[0] : result.value) as K;
      if (!this.map.has(key)) continue;
      return this.pairs ? { done: false, value: [key, this.map.get(key) as V] as R } : result;
    }
  }

  private over(map: Map<K, V>): Iterator<R> {
    return (this.pairs ? map.entries() : map.keys()) as Iterator<R>;
  }

  [Symbol.iterator](): IterableIterator<R> {
    return this;
  }
}
