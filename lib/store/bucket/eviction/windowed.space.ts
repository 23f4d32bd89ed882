import type { AdmissionFilter } from './admission.filter.js';
import { PROBATION, PROTECTED, SlotLists, WINDOW } from './slot.lists.js';
import type { SpaceSettings } from './space.settings.js';

/** Probation keys looked at, from the back, to find the least frequent as the victim. */
const VICTIM_SAMPLE = 4;

/**
 * The resident keys of W-TinyLFU: new keys enter an LRU window; a key pushed out of the window
 * competes through the admission filter with a victim of the main space (the least frequent of the
 * last few keys of probation) and the more frequent one stays. The main space is a segmented LRU:
 * probation, then protected once read again. The settings give the split of the bounds between
 * window, probation and protected. Every bound holds when `insert` returns.
 */
export class WindowedSpace<K> {
  readonly slots: SlotLists<K>;
  private totalWeight = 0;
  private windowEntries = 0;
  private windowWeight = 0;
  private protectedEntries = 0;
  private protectedWeight = 0;
  private newcomersWinTies = false;
  /** The sketch's frequency of the key `mainVictim` last chose: admission compares with it. */
  private victimFrequency = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight: number,
    settings: SpaceSettings,
    private readonly admission: AdmissionFilter,
    /** Told of each slot (with its key) the space gives up, once it is out of the lists. */
    private readonly evict: (slot: number, key: K) => void,
  ) {
    this.slots = new SlotLists<K>(Math.min(maxEntries, 1024), maxEntries + 1, Number.isFinite(maxWeight));
    this.configure(settings);
  }

  get weight(): number {
    return this.totalWeight;
  }

  /** Moves the splits and the rule of ties; keys move lazily, as they are read and inserted. */
  configure({ windowShare, protectedShare, newcomersWinTies }: SpaceSettings): void {
    this.windowEntries = Math.floor(part(windowShare, this.maxEntries));
    this.windowWeight = part(windowShare, this.maxWeight);
    this.protectedEntries = Math.floor(part(protectedShare, this.maxEntries - this.windowEntries));
    this.protectedWeight = part(protectedShare, this.maxWeight - this.windowWeight);
    this.newcomersWinTies = newcomersWinTies;
  }

  /**
   * A read or an overwrite of the key in `slot`. A probation key is promoted and a window key moves to
   * the window's front; a protected key, the usual hit, is only marked, and goes to the front when it
   * reaches the back of protected (a second chance, as CLOCK approximates LRU): a read then writes one
   * byte instead of relinking four slots, and the hit ratios stay those of the segmented LRU.
   */
  access(slot: number): void {
    const slots = this.slots;
    const queue = slots.queueAt(slot);
    if (queue === PROBATION) {
      slots.moveToFront(slot, PROTECTED);
      this.demoteFromProtected();
    } else if (queue === WINDOW) slots.moveToFront(slot, WINDOW);
    else slots.mark(slot);
  }

  /** Stores a new key in a free `slot`, then evicts until every bound holds (possibly the new key itself). */
  insert(slot: number, key: K, hash: number, weight: number): void {
    if (this.maxWeight === Infinity) weight = 1; // no weight bound: an entry counts once, whatever it weighs
    this.slots.add(slot, key, hash, weight, WINDOW);
    this.totalWeight += weight;
    if (weight > this.maxWeight) this.drop(slot);
    this.settle();
  }

  /** A resident key's weight changed (it was overwritten); evicts until every bound holds. */
  reweigh(slot: number, weight: number): void {
    const old = this.slots.weightAt(slot);
    if (weight !== old && this.maxWeight !== Infinity) {
      this.totalWeight += weight - old;
      this.slots.setWeight(slot, weight);
    }
    this.access(slot);
    if (weight > this.maxWeight) this.drop(slot);
    this.settle();
  }

  remove(slot: number): void {
    this.totalWeight -= this.slots.weightAt(slot);
    this.slots.remove(slot);
  }

  clear(): void {
    this.slots.clear();
    this.totalWeight = 0;
  }

  private settle(): void {
    this.demoteFromWindow();
    this.enforceBounds();
  }

  private isFull(): boolean {
    return this.slots.size > this.maxEntries || this.totalWeight > this.maxWeight;
  }

  private windowOverflows(): boolean {
    const slots = this.slots;
    return slots.count[WINDOW]! > this.windowEntries || slots.weightOf[WINDOW]! > this.windowWeight;
  }

  /** Keys the window can't hold move to probation; while a bound is passed, each competes for its place. */
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
      if (victim < 0 || this.admission.admits(slots.hashAt(candidate), this.victimFrequency, this.newcomersWinTies)) {
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
      slots.moveToFront(slot, slots.takeMark(slot) ? PROTECTED : PROBATION);
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
    const slots = this.slots;
    const sketch = this.admission.sketch;
    let victim = slots.back(PROBATION);
    if (victim < 0) {
      victim = slots.back(PROTECTED);
      this.victimFrequency = victim < 0 ? 0 : sketch.frequency(slots.hashAt(victim));
      return victim;
    }
    let least = sketch.frequency(slots.hashAt(victim));
    let slot = victim;
    for (let looked = 1; looked < VICTIM_SAMPLE && least > 0; looked++) {
      slot = slots.ahead(slot);
      if (slot < 0) break;
      const frequency = sketch.frequency(slots.hashAt(slot));
      if (frequency < least) {
        least = frequency;
        victim = slot;
      }
    }
    this.victimFrequency = least;
    return victim;
  }

  private drop(slot: number): void {
    const slots = this.slots;
    const key = slots.keyAt(slot);
    this.totalWeight -= slots.weightAt(slot);
    slots.remove(slot);
    this.evict(slot, key);
  }
}

/** A share of a bound; no bound (Infinity) has no bounded part, and Infinity − Infinity is none too. */
function part(share: number, bound: number): number {
  return Number.isFinite(bound) ? share * bound : Infinity;
}
