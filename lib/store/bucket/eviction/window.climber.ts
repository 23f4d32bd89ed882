/**
 * Adapts the share of the capacity given to the recency window by hill climbing: every `period`
 * requests it compares the hit ratio with the previous period's, keeps moving the share the same way
 * when the ratio rose and turns round when it fell. Steps shrink as the ratio settles and grow back
 * when it jumps (the workload changed). A recency-heavy workload drives the share up (towards LRU), a
 * frequency-heavy or scanning one drives it down (towards TinyLFU).
 */
export class WindowClimber {
  /** The window's share of the capacity, 0 to 1. */
  share: number;
  private hits = 0;
  private requests = 0;
  private previousRatio = -1;
  private direction = 1;
  private step: number;

  constructor(
    private readonly period: number,
    initialShare: number,
    private readonly initialStep: number,
  ) {
    this.share = initialShare;
    this.step = initialStep;
  }

  /** Counts a request; returns `true` when the share changed. */
  record(hit: boolean): boolean {
    if (hit) this.hits++;
    if (++this.requests < this.period) return false;
    this.adapt(this.hits / this.requests);
    this.hits = 0;
    this.requests = 0;
    return true;
  }

  private adapt(ratio: number): void {
    const change = this.previousRatio < 0 ? 0 : ratio - this.previousRatio;
    this.previousRatio = ratio;
    if (change === 0) return; // nothing to learn: a scan with no hit at all must not move the split
    if (change < 0) this.direction = -this.direction;
    this.step = Math.abs(change) >= 0.05 ? this.initialStep : this.step * 0.98;
    this.share = Math.min(1, Math.max(0, this.share + this.direction * this.step));
  }
}
