/**
 * Slot numbers for entries, so that what is kept per entry lives in arrays indexed by slot: a freed
 * slot is given again before a new one, so the arrays stay as long as the most entries held at once.
 */
export class SlotAllocator {
  private readonly freed: number[] = [];
  private used = 0;

  take(): number {
    return this.freed.length > 0 ? this.freed.pop()! : this.used++;
  }

  release(slot: number): void {
    this.freed.push(slot);
  }

  clear(): void {
    this.freed.length = 0;
    this.used = 0;
  }
}
