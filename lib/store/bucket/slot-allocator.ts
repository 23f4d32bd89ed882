/**
 * Slot numbers for entries, so that what is kept per entry lives in arrays indexed by slot: a freed
 * slot is given again before a new one, so the arrays stay as long as the most entries held at once.
 */
export class SlotAllocator {
  /** The freed slots, a stack in a typed array: a million freed at once cost 4 MB and nothing for the collector. */
  private freed = new Int32Array(64);
  private freedCount = 0;
  private used = 0;

  take(): number {
    return this.freedCount > 0 ? this.freed[--this.freedCount]! : this.used++;
  }

  release(slot: number): void {
    if (this.freedCount === this.freed.length) {
      const bigger = new Int32Array(2 * this.freed.length);
      bigger.set(this.freed);
      this.freed = bigger;
    }
    this.freed[this.freedCount++] = slot;
  }

  clear(): void {
    this.freed = new Int32Array(64);
    this.freedCount = 0;
    this.used = 0;
  }
}

/**
 * A copy of `items` with room for at least `length` slots: half as many again, but never past
 * `limit` (a bound): so an array by slot never holds more than a third of spare room, and a bounded
 * bucket's none past its bound (a native array grown by writes keeps up to half as much again).
 */
export function withRoom<T>(items: T[], length: number, limit: number): T[] {
  const room = Math.max(length, Math.min(limit, Math.max(1024, Math.ceil(items.length * 1.5))));
  const grown = new Array<T>(room);
  for (let i = 0; i < items.length; i++) grown[i] = items[i]!;
  return grown;
}
