const EMPTY = -1;

/**
 * Where a shadow finds the slot of an integer key (a hash), in typed arrays: open addressing with
 * linear probing at most half full, deletion by shifting the following run back (no tombstones), so
 * the constant churn of a full shadow allocates nothing, where a Map would keep reallocating its table.
 */
export class IntegerSlotIndex {
  private readonly keys: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly shift: number;
  private count = 0;

  constructor(capacity: number) {
    const bits = Math.ceil(Math.log2(Math.max(4, 2 * capacity)));
    this.keys = new Int32Array(2 ** bits);
    this.slots = new Int32Array(2 ** bits).fill(EMPTY);
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
  }

  get size(): number {
    return this.count;
  }

  get(key: number): number {
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const slot = this.slots[i]!;
      if (slot === EMPTY || this.keys[i] === key) return slot;
    }
  }

  set(key: number, slot: number): void {
    let i = this.home(key);
    while (this.slots[i] !== EMPTY && this.keys[i] !== key) i = (i + 1) & this.mask;
    if (this.slots[i] === EMPTY) this.count++;
    this.keys[i] = key;
    this.slots[i] = slot;
  }

  delete(key: number): void {
    let i = this.home(key);
    while (this.keys[i] !== key || this.slots[i] === EMPTY) {
      if (this.slots[i] === EMPTY) return;
      i = (i + 1) & this.mask;
    }
    this.count--;
    // Shift back every later key of the run that may sit at the freed place (its home is not after it).
    for (let next = (i + 1) & this.mask; this.slots[next] !== EMPTY; next = (next + 1) & this.mask) {
      const home = this.home(this.keys[next]!);
      const fits = i <= next ? home <= i || home > next : home <= i && home > next;
      if (fits) {
        this.keys[i] = this.keys[next]!;
        this.slots[i] = this.slots[next]!;
        i = next;
      }
    }
    this.slots[i] = EMPTY;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.count = 0;
  }

  /** Fibonacci hashing: the top bits of the key times the golden ratio. */
  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }
}
