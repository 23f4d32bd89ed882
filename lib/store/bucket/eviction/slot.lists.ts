import type { SlotIndex } from './slot.index.js';

/** The three queues of the policy; each is also the index of its list's sentinel slot. */
export const WINDOW = 0;
export const PROBATION = 1;
export const PROTECTED = 2;
export type Queue = typeof WINDOW | typeof PROBATION | typeof PROTECTED;

const QUEUES = 3;
const NONE = -1;

/**
 * The resident keys of a policy in preallocated slots: per slot its key, hash, weight, queue and its
 * links in a circular doubly-linked list per queue (a sentinel slot per queue), all in typed arrays,
 * so moving a key to the front of its queue writes a few integers and allocates nothing. Each queue
 * keeps its count and weight; the front is the most recently used end.
 */
export class SlotLists<K> {
  readonly count = new Float64Array(QUEUES);
  readonly weightOf = new Float64Array(QUEUES);
  private keys: (K | undefined)[];
  private hashes: Int32Array;
  private weights: Float64Array;
  private queues: Uint8Array;
  private prev: Int32Array;
  private next: Int32Array;
  private freeHead = NONE;
  private used = QUEUES;

  /** `initial` slots are made at once; more are made (doubling) as keys arrive, up to `limit` keys at once. */
  constructor(
    initial: number,
    private readonly limit: number,
    private readonly slotByKey: SlotIndex<K>,
  ) {
    const size = QUEUES + Math.max(1, Math.min(initial, limit));
    this.keys = new Array<K | undefined>(size);
    this.hashes = new Int32Array(size);
    this.weights = new Float64Array(size);
    this.queues = new Uint8Array(size);
    this.prev = new Int32Array(size);
    this.next = new Int32Array(size);
    this.reset();
  }

  get size(): number {
    return this.slotByKey.size;
  }

  /** The slot of a resident key, or -1. */
  slotOf(key: K): number {
    return this.slotByKey.get(key);
  }

  keyAt(slot: number): K {
    return this.keys[slot] as K;
  }

  hashAt(slot: number): number {
    return this.hashes[slot]!;
  }

  weightAt(slot: number): number {
    return this.weights[slot]!;
  }

  queueAt(slot: number): Queue {
    return this.queues[slot] as Queue;
  }

  /** The least recently used slot of a queue, or -1 when it is empty. */
  back(queue: Queue): number {
    const slot = this.prev[queue]!;
    return slot === queue ? NONE : slot;
  }

  /** The slot after `slot` towards the back of its queue, or -1 at the back. */
  behind(slot: number): number {
    const after = this.next[slot]!;
    return after < QUEUES ? NONE : after;
  }

  /** The slot before `slot` towards the front of its queue, or -1 at the front. */
  ahead(slot: number): number {
    const before = this.prev[slot]!;
    return before < QUEUES ? NONE : before;
  }

  /** The most recently used slot of a queue, or -1 when it is empty. */
  front(queue: Queue): number {
    const slot = this.next[queue]!;
    return slot === queue ? NONE : slot;
  }

  /** Makes a slot for a new key at the front of `queue`. */
  add(key: K, hash: number, weight: number, queue: Queue): number {
    const slot = this.takeSlot();
    this.keys[slot] = key;
    this.hashes[slot] = hash;
    this.weights[slot] = weight;
    this.slotByKey.set(key, slot);
    this.link(slot, queue);
    return slot;
  }

  /** Moves a slot to the front of `queue` (its own or another). */
  moveToFront(slot: number, queue: Queue): void {
    if (this.queues[slot] === queue) {
      if (this.next[queue] !== slot) this.relink(slot, queue); // a read: the queue's count and weight stay
      return;
    }
    this.unlink(slot);
    this.link(slot, queue);
  }

  setWeight(slot: number, weight: number): void {
    this.weightOf[this.queues[slot]!] += weight - this.weights[slot]!;
    this.weights[slot] = weight;
  }

  /** Frees a slot; returns its key. */
  remove(slot: number): K {
    const key = this.keys[slot] as K;
    this.unlink(slot);
    this.slotByKey.delete(key);
    this.keys[slot] = undefined;
    this.next[slot] = this.freeHead;
    this.freeHead = slot;
    return key;
  }

  clear(): void {
    this.slotByKey.clear();
    this.keys.fill(undefined);
    this.reset();
  }

  private reset(): void {
    for (let queue = 0; queue < QUEUES; queue++) {
      this.prev[queue] = queue;
      this.next[queue] = queue;
      this.count[queue] = 0;
      this.weightOf[queue] = 0;
    }
    this.freeHead = NONE;
    this.used = QUEUES;
  }

  private link(slot: number, queue: Queue): void {
    const first = this.next[queue]!;
    this.prev[slot] = queue;
    this.next[slot] = first;
    this.prev[first] = slot;
    this.next[queue] = slot;
    this.queues[slot] = queue;
    this.count[queue]++;
    this.weightOf[queue] += this.weights[slot]!;
  }

  private relink(slot: number, queue: number): void {
    const before = this.prev[slot]!;
    const after = this.next[slot]!;
    this.next[before] = after;
    this.prev[after] = before;
    const first = this.next[queue]!;
    this.prev[slot] = queue;
    this.next[slot] = first;
    this.prev[first] = slot;
    this.next[queue] = slot;
  }

  private unlink(slot: number): void {
    const before = this.prev[slot]!;
    const after = this.next[slot]!;
    this.next[before] = after;
    this.prev[after] = before;
    const queue = this.queues[slot]!;
    this.count[queue]--;
    this.weightOf[queue] -= this.weights[slot]!;
  }

  private takeSlot(): number {
    if (this.freeHead !== NONE) {
      const slot = this.freeHead;
      this.freeHead = this.next[slot]!;
      return slot;
    }
    if (this.used === this.prev.length) this.grow();
    return this.used++;
  }

  private grow(): void {
    const bigger = Math.min(2 * this.prev.length, QUEUES + this.limit);
    this.keys.length = bigger;
    this.hashes = copied(new Int32Array(bigger), this.hashes);
    this.weights = copied(new Float64Array(bigger), this.weights);
    this.queues = copied(new Uint8Array(bigger), this.queues);
    this.prev = copied(new Int32Array(bigger), this.prev);
    this.next = copied(new Int32Array(bigger), this.next);
  }
}

function copied<T extends Int32Array | Float64Array | Uint8Array>(target: T, source: T): T {
  target.set(source as never);
  return target;
}
