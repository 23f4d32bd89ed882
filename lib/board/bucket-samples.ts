/** The charts' series of one bucket, oldest sample first; `null` where there was nothing to measure. */
export interface BucketHistory {
  /** Time of each sample (ms since the epoch). */
  at: number[];
  /** Hits over reads in the interval before each sample; `null` when there was no read. */
  hitRatio: (number | null)[];
  /** Calls of `load` per second in the interval before each sample. */
  loadsPerSecond: number[];
  /** Entries when each sample was taken. */
  entries: number[];
}

/** What the sampler reads of a bucket at each tick. */
export interface SampleReading {
  hits: number;
  misses: number;
  loads: number;
  entries: number;
}

/**
 * A bounded ring of one bucket's samples: a fixed number of slots in typed arrays, the oldest
 * overwritten, so an hour of history costs the same memory whatever the traffic.
 */
export class BucketSamples {
  private readonly at: Float64Array;
  /** NaN where there was no read. */
  private readonly hitRatio: Float64Array;
  private readonly loadsPerSecond: Float64Array;
  private readonly entries: Float64Array;
  private next = 0;
  private count = 0;
  private previous: (SampleReading & { at: number }) | null = null;

  constructor(readonly capacity: number) {
    this.at = new Float64Array(capacity);
    this.hitRatio = new Float64Array(capacity);
    this.loadsPerSecond = new Float64Array(capacity);
    this.entries = new Float64Array(capacity);
  }

  /** Records a reading; the first one is only the baseline the next is measured against. */
  record(reading: SampleReading, at: number): void {
    const previous = this.previous;
    this.previous = { ...reading, at };
    if (previous === null || at <= previous.at) return;
    const reads = reading.hits - previous.hits + (reading.misses - previous.misses);
    const slot = this.next;
    this.at[slot] = at;
    this.hitRatio[slot] = reads > 0 ? (reading.hits - previous.hits) / reads : Number.NaN;
    this.loadsPerSecond[slot] = ((reading.loads - previous.loads) * 1000) / (at - previous.at);
    this.entries[slot] = reading.entries;
    this.next = (slot + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The samples kept, oldest first. */
  history(): BucketHistory {
    const history: BucketHistory = { at: [], hitRatio: [], loadsPerSecond: [], entries: [] };
    for (let i = 0; i < this.count; i++) {
      const slot = (this.next - this.count + i + this.capacity) % this.capacity;
      history.at.push(this.at[slot]!);
      const ratio = this.hitRatio[slot]!;
      history.hitRatio.push(Number.isNaN(ratio) ? null : ratio);
      history.loadsPerSecond.push(this.loadsPerSecond[slot]!);
      history.entries.push(this.entries[slot]!);
    }
    return history;
  }
}
