import type { EvictionPolicy, EvictSlot, PolicyBounds } from '../policy.js';
import { AdmissionFilter } from './admission.filter.js';
import { FrequencySketch } from './frequency.sketch.js';
import { seededHash } from './key.hash.js';
import { randomSeed } from './random.source.js';
import { PROBATION, PROTECTED, WINDOW } from './slot.lists.js';
import { CANDIDATE_SETTINGS } from './space.settings.js';
import { SettingsSelector } from './settings.selector.js';
import { WindowedSpace } from './windowed.space.js';

const READ_BUFFER = 64;

/** Keys the sketch is first sized for (its smallest table); a larger bound grows it as keys arrive. */
const FIRST_SKETCH_WIDTH = 4096;

/**
 * W-TinyLFU whose settings are chosen by shadow simulation: every request counts in the frequency
 * sketch, is served by the resident space and is replayed in the selector's shadows, whose best
 * setting the resident space takes.
 */
export class AdaptiveTinyLfuPolicy<K> implements EvictionPolicy<K> {
  private readonly space: WindowedSpace<K>;
  private readonly sketch: FrequencySketch;
  private readonly admission: AdmissionFilter;
  private selector: SettingsSelector | null = null;
  private readonly seed: number;
  /** The most keys the sketch must tell apart: it grows with the resident keys up to this. */
  private readonly sketchLimit: number;
  /**
   * Hashes of reads not yet counted: counted together before anything that reads or adds counts (a
   * store, a ranking) or once it is full, in the order they came, so every decision is what it would
   * be had each read been counted at once; counted in a row, their cache misses overlap.
   */
  private readonly reads = new Int32Array(READ_BUFFER);
  private pendingReads = 0;

  constructor(bounds: PolicyBounds, evict: EvictSlot<K>, seed = randomSeed()) {
    const maxEntries = bounds.maxEntries ?? Infinity;
    this.seed = seed;
    this.sketchLimit = Math.min(maxEntries, 1 << 24);
    this.sketch = new FrequencySketch(Math.min(this.sketchLimit, FIRST_SKETCH_WIDTH), seed);
    this.admission = new AdmissionFilter(this.sketch, seed ^ 0x5f3759df);
    const evictAndStart = (slot: number, key: K): void => {
      // A bound sized in weight only: the shadows are sized by the entries held when it first filled.
      if (this.selector === null) this.startSelector(this.space.slots.size);
      evict(slot, key);
    };
    const limit = bounds.maxWeight ?? Infinity;
    this.space = new WindowedSpace<K>(maxEntries, limit, CANDIDATE_SETTINGS[0]!, this.admission, evictAndStart);
    if (bounds.maxEntries !== null) this.startSelector(bounds.maxEntries);
  }

  get weight(): number {
    return this.space.weight;
  }

  onRead(slot: number): void {
    this.space.access(slot);
    this.reads[this.pendingReads++] = this.space.slots.hashAt(slot);
    if (this.pendingReads === READ_BUFFER) this.countReads();
  }

  onInsert(slot: number, key: K, weight: number): void {
    if (this.pendingReads > 0) this.countReads();
    const hash = seededHash(key, this.seed);
    this.sketch.increment(hash);
    this.replay(hash);
    this.sketch.ensureWidth(Math.min(this.space.slots.size + 1, this.sketchLimit));
    this.space.insert(slot, key, hash, weight);
  }

  onUpdate(slot: number, weight: number): void {
    if (this.pendingReads > 0) this.countReads();
    this.sketch.increment(this.space.slots.hashAt(slot));
    this.space.reweigh(slot, weight);
  }

  onRemove(slot: number): void {
    this.space.remove(slot);
  }

  onClear(): void {
    this.pendingReads = 0;
    this.space.clear();
    this.sketch.clear();
    this.selector?.clear();
    this.space.configure(CANDIDATE_SETTINGS[0]!);
  }

  /** Most frequent first; among equals, protected before window before probation, recent first. */
  ranked(): Iterable<K> {
    if (this.pendingReads > 0) this.countReads();
    const slots = this.space.slots;
    // A counting sort on the 16 frequencies, stable over the queue order: no comparison, no Map.
    const byFrequency: K[][] = Array.from({ length: 16 }, () => []);
    for (const queue of [PROTECTED, WINDOW, PROBATION] as const) {
      for (let slot = slots.front(queue); slot >= 0; slot = slots.behind(slot)) {
        byFrequency[15 - this.sketch.frequency(slots.hashAt(slot))]!.push(slots.keyAt(slot));
      }
    }
    return byFrequency.flat();
  }

  private countReads(): void {
    const reads = this.reads;
    for (let i = 0; i < this.pendingReads; i++) {
      this.sketch.increment(reads[i]!);
      this.replay(reads[i]!);
    }
    this.pendingReads = 0;
  }

  private replay(hash: number): void {
    if (this.selector?.record(hash)) this.space.configure(this.selector.settings);
  }

  private startSelector(capacity: number): void {
    this.selector = new SettingsSelector(Math.max(1, capacity), this.admission);
  }
}
