import { ownKey } from './key-copy.js';
import { hashKey, isStructuralKey, keysEqual } from './key-equality.js';

/**
 * Entries at which one native Map becomes `PARTS` of them. V8 grows and shrinks a Map's table in one
 * go, which stops the event loop for about 125 ms when a Map passes a million entries and 22 ms when a
 * sweep shrinks one; parts of a sixteenth of the size each stop it for a sixteenth of that. The split
 * itself copies the entries once (about 20 ms at this size, while its code is still cold).
 */
const SPLIT_AT = 1 << 15;
const PARTS = 16;

/**
 * A Map whose object keys compare by value. Primitive keys go straight into a native Map (the fast
 * path); an object key is replaced by the first equal key ever stored (its representative), found
 * through a structural hash, so `keys()` and iteration give the keys as a plain Map would, in
 * insertion order. Once it holds `SPLIT_AT` entries (and no iteration is in progress), its entries
 * are spread over `PARTS` Maps by a hash of the key, so that no one table grows too large to rehash
 * quickly; iteration then goes part by part, each in insertion order.
 */
export class ValueKeyedMap<K, T> {
  /** The entries while there is one part; the first part once split. */
  private entries = new Map<unknown, T>();
  /** Structural hash → the slot of the representative key, or several on a hash collision (the slot keeps the value too). */
  private slots = new Map<number, Slot<T> | Collisions<T>>();
  /** Once split: the parts of the entries and of the slots, and the mask that picks a part. */
  private parts: Map<unknown, T>[] | null = null;
  private slotParts: Map<number, Slot<T> | Collisions<T>>[] | null = null;
  private partMask = 0;
  /** Iterations in progress: a split waits for none (an iterator keeps the Maps it started over). */
  private iterating = 0;

  /** With `ownsKeys`, a new object key is stored as the map's own copy (`ownKey`), never the caller's object. */
  constructor(private readonly ownsKeys = false) {}

  get size(): number {
    if (this.parts === null) return this.entries.size;
    let size = 0;
    for (const part of this.parts) size += part.size;
    return size;
  }

  get(key: K): T | undefined {
    if (!isStructuralKey(key)) return (this.parts === null ? this.entries : this.partOf(key)).get(key);
    return this.findSlot(key, hashKey(key))?.value;
  }

  has(key: K): boolean {
    if (!isStructuralKey(key)) return (this.parts === null ? this.entries : this.partOf(key)).has(key);
    return this.findSlot(key, hashKey(key)) !== undefined;
  }

  /** Stores `value`; returns the key it is stored under (for an object key, its representative). */
  set(key: K, value: T): K {
    if (!isStructuralKey(key)) return this.addPrimitive(key, value);
    const hash = hashKey(key);
    const found = this.findSlot(key, hash);
    if (found === undefined) return this.addSlot(key, hash, value);
    found.value = value;
    this.entriesAt(hash).set(found.key, value);
    return found.key as K;
  }

  /** `set` of a key the caller knows is absent: an object key is hashed once and not looked for. */
  add(key: K, value: T): K {
    if (!isStructuralKey(key)) return this.addPrimitive(key, value);
    return this.addSlot(key, hashKey(key), value);
  }

  /** The representative of an object key equal to `key`, with its value, in one lookup. */
  entryOf(key: K & object): { readonly key: K; readonly value: T } | undefined {
    return this.findSlot(key, hashKey(key)) as { key: K; value: T } | undefined;
  }

  delete(key: K): boolean {
    if (!isStructuralKey(key)) return (this.parts === null ? this.entries : this.partOf(key)).delete(key);
    const hash = hashKey(key);
    const found = this.findSlot(key, hash);
    if (found === undefined) return false;
    const slots = this.slotsAt(hash);
    const existing = slots.get(hash);
    if (existing instanceof Collisions && existing.slots.length > 2) existing.slots.splice(existing.slots.indexOf(found), 1);
    else if (existing instanceof Collisions) slots.set(hash, existing.slots.find((slot) => slot !== found)!);
    else slots.delete(hash);
    return this.entriesAt(hash).delete(found.key);
  }

  /** Empties the Maps themselves, so that an iteration in progress ends as it would over a cleared Map. */
  clear(): void {
    for (const part of this.parts ?? [this.entries]) part.clear();
    for (const part of this.slotParts ?? [this.slots]) part.clear();
    this.parts = null;
    this.slotParts = null;
    this.partMask = 0;
  }

  /** A new map with the same entries and representative keys. */
  copy(): ValueKeyedMap<K, T> {
    const copy = new ValueKeyedMap<K, T>(this.ownsKeys);
    for (const [key, value] of this) copy.set(key, value);
    return copy;
  }

  /** Keys as they were first given (or the map's copies of them), in insertion order (part by part, once split). */
  *keys(): Generator<K> {
    for (const [key] of this) yield key;
  }

  /**
   * The keys without the guard of `keys()`: a split may happen while it runs, and it then still gives
   * keys removed since and misses keys added since. For a caller that looks each key up again, over
   * a long time (the sweep), so that it never holds a split back; it allocates no pair per key.
   */
  looseKeys(): Iterator<K> {
    return (this.parts === null ? this.entries.keys() : partsKeys(this.parts)) as Iterator<K>;
  }

  *[Symbol.iterator](): Generator<[K, T]> {
    this.iterating++;
    try {
      for (const part of this.parts ?? [this.entries]) yield* part.entries() as IterableIterator<[K, T]>;
    } finally {
      this.iterating--;
    }
  }

  private addPrimitive(key: K, value: T): K {
    if (this.parts === null) {
      this.entries.set(key, value);
      if (this.entries.size >= SPLIT_AT && this.iterating === 0) this.split();
    } else this.partOf(key).set(key, value);
    return key;
  }

  private addSlot(key: K & object, hash: number, value: T): K {
    const stored = this.ownsKeys ? ownKey(key) : key;
    const slot = new Slot(stored, value);
    const slots = this.slotsAt(hash);
    const existing = slots.get(hash);
    if (existing === undefined) slots.set(hash, slot);
    else if (existing instanceof Collisions) existing.slots.push(slot);
    else slots.set(hash, new Collisions([existing, slot]));
    const entries = this.entriesAt(hash);
    entries.set(stored, value);
    if (this.parts === null && entries.size >= SPLIT_AT && this.iterating === 0) this.split();
    return stored as K;
  }

  /** Spreads the entries over the parts: a primitive key by `partIndex`, an object key by its structural hash. */
  private split(): void {
    const parts = Array.from({ length: PARTS }, () => new Map<unknown, T>());
    const slotParts = Array.from({ length: PARTS }, () => new Map<number, Slot<T> | Collisions<T>>());
    const mask = PARTS - 1;
    // forEach: no pair allocated per entry, and its callback is optimised within the first few thousand.
    this.slots.forEach((slot, hash) => slotParts[hash & mask]!.set(hash, slot));
    this.entries.forEach((value, key) => parts[(isStructuralKey(key) ? hashKey(key) : partIndex(key)) & mask]!.set(key, value));
    this.parts = parts;
    this.slotParts = slotParts;
    this.partMask = mask;
    this.entries = parts[0]!;
    this.slots = slotParts[0]!;
  }

  private partOf(key: unknown): Map<unknown, T> {
    return this.parts![partIndex(key) & this.partMask]!;
  }

  private entriesAt(hash: number): Map<unknown, T> {
    return this.parts === null ? this.entries : this.parts[hash & this.partMask]!;
  }

  private slotsAt(hash: number): Map<number, Slot<T> | Collisions<T>> {
    return this.slotParts === null ? this.slots : this.slotParts[hash & this.partMask]!;
  }

  private findSlot(key: object, hash: number): Slot<T> | undefined {
    const slot = this.slotsAt(hash).get(hash);
    if (slot === undefined) return undefined;
    if (slot instanceof Slot) return keysEqual(slot.key, key) ? slot : undefined;
    return slot.slots.find((item) => keysEqual(item.key, key));
  }
}

function* partsKeys(parts: Map<unknown, unknown>[]): Generator<unknown> {
  for (const part of parts) yield* part.keys();
}

/**
 * The part of a primitive key: for a string, a hash of its length and last 8 characters (ids differ
 * there, and the cost stays that of 8 for any length), for a number, of its bits; one part for
 * anything else. Keys that differ only elsewhere share a part, which is then as large as one Map.
 */
function partIndex(key: unknown): number {
  let h: number;
  if (typeof key === 'string') {
    const n = key.length;
    h = n;
    for (let i = n > 8 ? n - 8 : 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  } else if (typeof key === 'number') h = Math.imul(key | 0, 0x9e3779b1) ^ ((key * 1024) | 0);
  else return 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return h ^ (h >>> 13);
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
