import { withRoom } from '../slot-allocator.js';

/** The three queues of the policy; each is also the index of its list's sentinel. */
export const WINDOW = 0;
export const PROBATION = 1;
export const PROTECTED = 2;
export type Queue = typeof WINDOW | typeof PROBATION | typeof PROTECTED;

const QUEUES = 3;
const NONE = -1;

/**
 * The resident keys of a policy, by the slot numbers their owner gave them: per slot its key, hash,
 * weight, queue and its links in a circular doubly-linked list per queue, all in typed arrays, so
 * moving a key to the front of its queue writes a few integers and allocates nothing. The sentinels
 * of the lists sit before the first slot (a slot's place in the arrays is its number plus `QUEUES`).
 * Each queue keeps its count and weight; the front is the most recently used end.
 */
export class SlotLists<K> {
  readonly count = new Int32Array(QUEUES);
  readonly weightOf = new Float64Array(QUEUES);
  private keys: (K | undefined)[];
  private hashes: Int32Array;
  /** Only when entries weigh more than 1 (a `maxWeight`): otherwise every weight is 1 and none is kept. */
  private weights: Float64Array | null;
  private queues: Uint8Array;
  /** Whether the key was used since it was last looked at from the back of protected (its second chance). */
  private marks: Uint8Array;
  private prev: Int32Array;
  private next: Int32Array;

  /** Room for `initial` slots is made at once; more (doubling) as higher slots arrive, up to `limit` slots. */
  constructor(
    initial: number,
    private readonly limit: number,
    weighted: boolean,
  ) {
    const size = QUEUES + Math.max(1, Math.min(initial, limit));
    this.keys = [];
    this.hashes = new Int32Array(size);
    this.weights = weighted ? new Float64Array(size) : null;
    this.queues = new Uint8Array(size);
    this.marks = new Uint8Array(size);
    this.prev = new Int32Array(size);
    this.next = new Int32Array(size);
    this.reset();
  }

  get size(): number {
    return this.count[WINDOW]! + this.count[PROBATION]! + this.count[PROTECTED]!;
  }

  keyAt(slot: number): K {
    return this.keys[slot] as K;
  }

  hashAt(slot: number): number {
    return this.hashes[slot + QUEUES]!;
  }

  weightAt(slot: number): number {
    return this.weights === null ? 1 : this.weights[slot + QUEUES]!;
  }

  queueAt(slot: number): Queue {
    return this.queues[slot + QUEUES] as Queue;
  }

  /** The key of `slot` was used: one byte written, nothing moved. */
  mark(slot: number): void {
    this.marks[slot + QUEUES] = 1;
  }

  /** Whether the key of `slot` was used since the last look; the look clears it. */
  takeMark(slot: number): boolean {
    const at = slot + QUEUES;
    if (this.marks[at] === 0) return false;
    this.marks[at] = 0;
    return true;
  }

  /** The least recently used slot of a queue, or a negative number when it is empty. */
  back(queue: Queue): number {
    return this.prev[queue]! - QUEUES; // an empty queue's sentinel links to itself, below QUEUES
  }

  /** The slot after `slot` towards the back of its queue, or -1 at the back. */
  behind(slot: number): number {
    const after = this.next[slot + QUEUES]!;
    return after < QUEUES ? NONE : after - QUEUES;
  }

  /** The slot before `slot` towards the front of its queue, or -1 at the front. */
  ahead(slot: number): number {
    const before = this.prev[slot + QUEUES]!;
    return before < QUEUES ? NONE : before - QUEUES;
  }

  /** The most recently used slot of a queue, or -1 when it is empty. */
  front(queue: Queue): number {
    const slot = this.next[queue]!;
    return slot === queue ? NONE : slot - QUEUES;
  }

  /** Puts a new key in a free `slot`, at the front of `queue`. */
  add(slot: number, key: K, hash: number, weight: number, queue: Queue): void {
    const at = slot + QUEUES;
    if (at >= this.prev.length) this.grow(at);
    if (slot >= this.keys.length) this.keys = withRoom(this.keys, slot + 1, this.limit);
    this.keys[slot] = key;
    this.hashes[at] = hash;
    this.marks[at] = 0;
    if (this.weights !== null) this.weights[at] = weight;
    this.link(at, queue);
  }

  /** Moves a slot to the front of `queue` (its own or another). */
  moveToFront(slot: number, queue: Queue): void {
    const at = slot + QUEUES;
    if (this.queues[at] === queue) {
      if (this.next[queue] !== at) this.relink(at, queue); // a read: the queue's count and weight stay
      return;
    }
    this.unlink(at);
    this.link(at, queue);
  }

  setWeight(slot: number, weight: number): void {
    const at = slot + QUEUES;
    const weights = this.weights!;
    this.weightOf[this.queues[at]!] += weight - weights[at]!;
    weights[at] = weight;
  }

  /** Takes a slot out of its queue; its owner may give it to another key. */
  remove(slot: number): void {
    this.unlink(slot + QUEUES);
    this.keys[slot] = undefined;
  }

  clear(): void {
    this.keys = [];
    this.reset();
  }

  private reset(): void {
    for (let queue = 0; queue < QUEUES; queue++) {
      this.prev[queue] = queue;
      this.next[queue] = queue;
      this.count[queue] = 0;
      this.weightOf[queue] = 0;
    }
  }

  private link(at: number, queue: Queue): void {
    const first = this.next[queue]!;
    this.prev[at] = queue;
    this.next[at] = first;
    this.prev[first] = at;
    this.next[queue] = at;
    this.queues[at] = queue;
    this.count[queue]++;
    this.weightOf[queue] += this.weights === null ? 1 : this.weights[at]!;
  }

  private relink(at: number, queue: number): void {
    const before = this.prev[at]!;
    const after = this.next[at]!;
    this.next[before] = after;
    this.prev[after] = before;
    const first = this.next[queue]!;
    this.prev[at] = queue;
    this.next[at] = first;
    this.prev[first] = at;
    this.next[queue] = at;
  }

  private unlink(at: number): void {
    const before = this.prev[at]!;
    const after = this.next[at]!;
    this.next[before] = after;
    this.prev[after] = before;
    const queue = this.queues[at]!;
    this.count[queue]--;
    this.weightOf[queue] -= this.weights === null ? 1 : this.weights[at]!;
  }

  /** Makes room up to place `at` at least: doubling, up to the limit. */
  private grow(at: number): void {
    const bigger = Math.max(at + 1, Math.min(2 * this.prev.length, QUEUES + this.limit));
    this.hashes = copied(new Int32Array(bigger), this.hashes);
    if (this.weights !== null) this.weights = copied(new Float64Array(bigger), this.weights);
    this.queues = copied(new Uint8Array(bigger), this.queues);
    this.marks = copied(new Uint8Array(bigger), this.marks);
    this.prev = copied(new Int32Array(bigger), this.prev);
    this.next = copied(new Int32Array(bigger), this.next);
  }
}

function copied<T extends Int32Array | Float64Array | Uint8Array>(target: T, source: T): T {
  target.set(source as never);
  return target;
}
