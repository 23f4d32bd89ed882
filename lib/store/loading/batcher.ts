/**
 * Collects loads into `loadMany` batches, DataLoader-style: an item waits at most `delayMs` (`0`: until
 * the end of the event-loop turn it was added in) for others to join it, and a batch that reaches
 * `size` items leaves at once. Items are grouped by their load timeout, which is a batch's own, so
 * a caller's `timeout` option bounds the load of its key however it was batched.
 */
export class Batcher<T> {
  /** The batch still collecting, per timeout (ms). */
  private readonly open = new Map<number, OpenBatch<T>>();

  constructor(
    private readonly size: number,
    private readonly delayMs: number,
    /** Runs one batch: `items` in the order they were added, with their timeout. */
    private readonly dispatch: (items: T[], timeoutMs: number) => void,
  ) {}

  add(item: T, timeoutMs: number): void {
    let batch = this.open.get(timeoutMs);
    if (batch === undefined) {
      batch = new OpenBatch<T>(timeoutMs);
      this.open.set(timeoutMs, batch);
    }
    batch.items.push(item);
    if (batch.items.length >= this.size) this.send(batch);
    else batch.timer ??= this.delayMs === 0 ? setImmediate(this.send, batch) : setTimeout(this.send, this.delayMs, batch);
  }

  /** Takes every item not dispatched yet, without dispatching it: at shutdown they fail instead. */
  takeWaiting(): T[] {
    const waiting: T[] = [];
    for (const batch of this.open.values()) {
      this.stopTimer(batch);
      waiting.push(...batch.items);
    }
    this.open.clear();
    return waiting;
  }

  private readonly send = (batch: OpenBatch<T>): void => {
    if (this.open.get(batch.timeoutMs) !== batch) return; // sent already
    this.open.delete(batch.timeoutMs);
    this.stopTimer(batch);
    this.dispatch(batch.items, batch.timeoutMs);
  };

  private stopTimer(batch: OpenBatch<T>): void {
    if (batch.timer === null) return;
    if (this.delayMs === 0) clearImmediate(batch.timer as NodeJS.Immediate);
    else clearTimeout(batch.timer as NodeJS.Timeout);
    batch.timer = null;
  }
}

/** A batch still collecting items, with the timer that sends it. */
class OpenBatch<T> {
  readonly items: T[] = [];
  timer: NodeJS.Immediate | NodeJS.Timeout | null = null;

  constructor(readonly timeoutMs: number) {}
}
