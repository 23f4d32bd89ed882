import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Bucket } from './bucket.js';
import type { AgeCause } from './lifetimes.js';

/** How often the sweep looks for entries past their time: they leave within this of it. */
export const SWEEP_EVERY_MS = 500;
/** Work done per event-loop turn, well within the 20 ms a turn may take. */
const SLICE_MS = 5;
/** Entries checked between two looks at the clock. */
const STEP_ENTRIES = 256;

/**
 * Reclaims the entries of a bucket past their age or idle time without waiting for a read of them:
 * every `SWEEP_EVERY_MS` once one may be due, and before each full refresh. A pass runs in slices of
 * `SLICE_MS`, yielding to the event loop between them, however many entries expire together.
 */
export class Sweeper<K, V> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly bucket: Bucket<K, V>,
    /** Told after a pass that removed entries (the dump is due). */
    private readonly swept: (removed: number) => void,
    /** Other per-key records with times of their own (the failure backoff), pruned on the same ticks. */
    private readonly prune: (now: number) => void,
  ) {}

  /** Starts the ticks (again a no-op once started, or once stopped by shutdown). */
  start(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Before a full refresh: the pass that removes every entry past its time, or null when none can be
   * due (the refresh then starts without waiting a turn).
   */
  sweepDue(): Promise<void> | null {
    // A pass in progress may have checked some entries before they were due: one more after it.
    if (this.running !== null) return this.running.then(() => this.sweepDue() ?? undefined);
    const lifetimes = this.bucket.ages;
    return lifetimes === null || Date.now() < lifetimes.nextDue ? null : this.sweep();
  }

  /** Removes every entry past its time; joins the pass in progress, if any. Never rejects. */
  sweep(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** Runs `step` (up to `limit` entries a call; true when done) in slices of `SLICE_MS`, a turn of the event loop between them. */
  private async inSlices(step: (limit: number) => boolean): Promise<void> {
    for (;;) {
      const started = performance.now();
      let done = false;
      while (!done && performance.now() - started < SLICE_MS) done = step(STEP_ENTRIES);
      if (done) return;
      await nextTurn();
    }
  }

  private async run(): Promise<void> {
    this.prune(Date.now());
    const lifetimes = this.bucket.ages;
    if (lifetimes === null || Date.now() < lifetimes.nextDue) return;
    let removed = 0;
    const remove = (key: K, slot: number, cause: AgeCause) => {
      removed++;
      this.bucket.bury(key, slot, cause);
    };
    await this.inSlices((limit) => lifetimes.sweepStep(Date.now(), limit, remove));
    // The removed entries' keys leave the bucket's map after the pass: see `SweepPurge`.
    await this.inSlices((limit) => this.bucket.purgeStep(limit));
    if (removed > 0) this.swept(removed);
  }
}
