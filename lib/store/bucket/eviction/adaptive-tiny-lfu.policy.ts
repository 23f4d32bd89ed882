import type { EvictionPolicy, PolicyBounds } from '../policy.js';
import { FrequencySketch } from './frequency.sketch.js';
import { seededHash } from './key.hash.js';
import { randomSeed, Xorshift32 } from './random.source.js';
import { PROBATION, PROTECTED, SlotLists, WINDOW } from './slot.lists.js';
import { WindowClimber } from './window.climber.js';

/** The protected segment's share of the main space (the rest is probation). */
const PROTECTED_SHARE = 0.8;
/** A loser of admission this frequent may still get in, rarely: hash collisions can't lock the cache. */
const JITTER_FREQUENCY = 6;
const JITTER_MASK = 127;

/**
 * W-TinyLFU with an adaptive window. New keys enter an LRU window; a key pushed out of the window
 * competes with the main space's least recently used key on the frequency sketch and the more
 * frequent stays. The main space is a segmented LRU (probation, then protected once read again).
 * A hill climber moves the split between window and main space after the hit ratio.
 */
export class AdaptiveTinyLfuPolicy<K> implements EvictionPolicy<K> {
  private readonly slots: SlotLists<K>;
  private readonly sketch: FrequencySketch;
  private readonly climber: WindowClimber;
  private readonly random: Xorshift32;
  private readonly seed: number;
  private readonly maxEntries: number;
  private readonly maxWeight: number;
  private totalWeight = 0;
  /** The window's and protected segment's bounds, in entries and in weight, after the climber's share. */
  private windowEntries = 0;
  private windowWeight = 0;
  private protectedEntries = 0;
  private protectedWeight = 0;

  constructor(
    bounds: PolicyBounds,
    private readonly evict: (key: K) => void,
    seed = randomSeed(),
  ) {
    this.maxEntries = bounds.maxEntries ?? Infinity;
    this.maxWeight = bounds.maxWeight ?? Infinity;
    const expected = Math.min(bounds.maxEntries ?? 1024, 1 << 20);
    this.slots = new SlotLists<K>(Math.min(expected, 1024), this.maxEntries + 1);
    this.seed = seed;
    this.sketch = new FrequencySketch(expected, seed);
    this.random = new Xorshift32(seed ^ 0x5f3759df);
    this.climber = new WindowClimber(Math.max(64, expected), 0.01, 0.0625);
    this.applyShare();
  }

  get weight(): number {
    return this.totalWeight;
  }

  onRead(key: K): void {
    const slot = this.slots.slotOf(key);
    if (slot < 0) return;
    this.touch(slot);
    if (this.climber.record(true)) this.applyShare();
  }

  onInsert(key: K, weight: number): void {
    const slots = this.slots;
    let slot = slots.slotOf(key);
    if (slot >= 0) {
      this.totalWeight += weight - slots.weightAt(slot);
      slots.setWeight(slot, weight);
      this.touch(slot);
    } else {
      const hash = seededHash(key, this.seed);
      this.sketch.increment(hash);
      slot = slots.add(key, hash, weight, WINDOW);
      this.totalWeight += weight;
      if (this.maxEntries === Infinity) this.sketch.ensureWidth(slots.size);
      if (this.climber.record(false)) this.applyShare();
    }
    if (weight > this.maxWeight) this.drop(slot);
    this.demoteFromWindow();
    this.enforceBounds();
  }

  onRemove(key: K): void {
    const slot = this.slots.slotOf(key);
    if (slot < 0) return;
    this.totalWeight -= this.slots.weightAt(slot);
    this.slots.remove(slot);
  }

  onClear(): void {
    this.slots.clear();
    this.sketch.clear();
    this.totalWeight = 0;
  }

  /** Most frequent first; among equals, protected before window before probation, recent first. */
  ranked(): Iterable<K> {
    const slots = this.slots;
    const order: number[] = [];
    for (const queue of [PROTECTED, WINDOW, PROBATION] as const) {
      for (let slot = slots.front(queue); slot >= 0; slot = slots.behind(slot)) order.push(slot);
    }
    const frequency = new Map<number, number>();
    for (const slot of order) frequency.set(slot, this.sketch.frequency(slots.hashAt(slot)));
    order.sort((a, b) => frequency.get(b)! - frequency.get(a)!);
    return order.map((slot) => slots.keyAt(slot));
  }

  /** A read or an overwrite of a resident key. */
  private touch(slot: number): void {
    const slots = this.slots;
    this.sketch.increment(slots.hashAt(slot));
    const queue = slots.queueAt(slot);
    if (queue === PROBATION) {
      slots.moveToFront(slot, PROTECTED);
      this.demoteFromProtected();
    } else {
      slots.moveToFront(slot, queue);
    }
  }

  private isFull(): boolean {
    return this.slots.size > this.maxEntries || this.totalWeight > this.maxWeight;
  }

  private windowOverflows(): boolean {
    const slots = this.slots;
    return slots.count[WINDOW]! > this.windowEntries || slots.weightOf[WINDOW]! > this.windowWeight;
  }

  /** Keys the window can't hold move to probation; while the bounds are passed, each competes for its place. */
  private demoteFromWindow(): void {
    const slots = this.slots;
    while (this.windowOverflows()) {
      const candidate = slots.back(WINDOW);
      if (candidate < 0) return;
      if (!this.isFull()) {
        slots.moveToFront(candidate, PROBATION);
        continue;
      }
      const victim = this.mainVictim();
      if (victim < 0 || this.admits(candidate, victim)) {
        slots.moveToFront(candidate, PROBATION);
        if (victim >= 0) this.drop(victim);
      } else {
        this.drop(candidate);
      }
    }
  }

  private demoteFromProtected(): void {
    const slots = this.slots;
    while (slots.count[PROTECTED]! > this.protectedEntries || slots.weightOf[PROTECTED]! > this.protectedWeight) {
      const slot = slots.back(PROTECTED);
      if (slot < 0) return;
      slots.moveToFront(slot, PROBATION);
    }
  }

  /** Evicts until every bound holds: main space first (probation, then protected), then the window. */
  private enforceBounds(): void {
    while (this.isFull()) {
      let victim = this.mainVictim();
      if (victim < 0) victim = this.slots.back(WINDOW);
      if (victim < 0) return;
      this.drop(victim);
    }
  }

  private mainVictim(): number {
    const victim = this.slots.back(PROBATION);
    return victim >= 0 ? victim : this.slots.back(PROTECTED);
  }

  private admits(candidate: number, victim: number): boolean {
    const candidateFrequency = this.sketch.frequency(this.slots.hashAt(candidate));
    const victimFrequency = this.sketch.frequency(this.slots.hashAt(victim));
    if (candidateFrequency > victimFrequency) return true;
    return candidateFrequency >= JITTER_FREQUENCY && (this.random.next() & JITTER_MASK) === 0;
  }

  private drop(slot: number): void {
    this.totalWeight -= this.slots.weightAt(slot);
    this.evict(this.slots.remove(slot));
  }

  private applyShare(): void {
    const share = this.climber.share;
    this.windowEntries = Math.floor(share * this.maxEntries);
    this.windowWeight = share * this.maxWeight;
    this.protectedEntries = Math.floor(PROTECTED_SHARE * (this.maxEntries - this.windowEntries));
    this.protectedWeight = PROTECTED_SHARE * (this.maxWeight - this.windowWeight);
  }
}
