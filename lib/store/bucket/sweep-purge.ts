import { ValueKeyedMap } from '../value-keyed-map.js';

/** What the value array holds at the slot of an entry the sweep removed while its key is still in the map. */
export const BURIED: unique symbol = Symbol('buried');
/** Keys in the map from which a purge that leaves at least half of them buried builds a new map of the live ones. */
const REBUILD_FROM = 1 << 15;

/** The slotted entries, as the purge sees them. */
export interface PurgedEntries<K> {
  /** The map of key → slot. */
  index(): ValueKeyedMap<K, number>;
  isBuried(slot: number): boolean;
  /** The key's entry leaves the map and its slot is free. */
  unmap(key: K, slot: number): void;
  free(slot: number): void;
  /** How many slots there are (free ones included). */
  slotCount(): number;
  /** `map` takes the place of the map; with no key in it, every slot is free at once. */
  replaceIndex(map: ValueKeyedMap<K, number>): void;
}

/**
 * Takes out of the map, after a sweep's pass, the keys of the entries it buried: an entry the sweep
 * removes is marked `BURIED` in its slot at once (reads, writes and the policy no longer see it), and
 * its key leaves the map here, in slices. When most of a large map is buried, a new map of the live
 * keys replaces it instead: removing most keys of a large native Map makes V8 shrink its table in one
 * go, which stops the event loop for longer than a slice (22 ms at a million entries).
 */
export class SweepPurge<K> {
  /** Entries buried whose keys are still in the map. */
  buried = 0;
  /** Where the purge is in the map, and the map of live keys it builds, if it does. */
  private cursor: Iterator<K> | null = null;
  private rebuilt: ValueKeyedMap<K, number> | null = null;
  /** Once a new map is in place: the next slot to look at for a buried one to give back. */
  private released = -1;

  constructor(private readonly entries: PurgedEntries<K>) {}

  /** A key stored in `slot` (new, or back from burial) while a new map is built goes into it too. */
  added(own: K, slot: number): void {
    this.rebuilt?.setOwn(own, slot);
  }

  /** A key that left the map, or was buried, while a new map is built leaves it too. */
  removed(key: K): void {
    this.rebuilt?.delete(key);
  }

  /** One step of up to `limit` keys; true once no buried key is left in the map. */
  step(limit: number): boolean {
    if (this.released >= 0) return this.releaseStep(limit);
    if (this.buried === 0) return this.done();
    const index = this.entries.index();
    if (this.cursor === null) {
      this.cursor = index.keys(); // a Map's iteration goes on past deletions
      if (index.size >= REBUILD_FROM && 2 * this.buried >= index.size) this.rebuilt = new ValueKeyedMap<K, number>(true);
    }
    for (let i = 0; i < limit; i++) {
      const next = this.cursor.next();
      if (next.done === true) return this.rebuilt === null ? this.done() : this.replaceIndex();
      const key = next.value;
      const slot = index.get(key);
      if (slot === undefined) continue;
      if (this.rebuilt !== null) {
        if (!this.entries.isBuried(slot)) this.rebuilt.setOwn(key, slot);
      } else if (this.entries.isBuried(slot)) {
        // Under half of the map: removed one by one, V8 keeps its table.
        this.entries.unmap(key, slot);
        if (--this.buried === 0) return this.done();
      }
    }
    return false;
  }

  clear(): void {
    this.buried = 0;
    this.cursor = null;
    this.rebuilt = null;
    this.released = -1;
  }

  private done(): true {
    this.cursor = null;
    return true;
  }

  /** The map of live keys takes the old one's place; the buried slots are given back in the next steps. */
  private replaceIndex(): boolean {
    const rebuilt = this.rebuilt!;
    this.clear();
    this.entries.replaceIndex(rebuilt);
    if (rebuilt.size === 0) return true;
    this.released = 0;
    return false;
  }

  /** Gives back the buried slots among the next `limit` slots. */
  private releaseStep(limit: number): boolean {
    const slots = this.entries.slotCount();
    const end = Math.min(slots, this.released + limit);
    for (let slot = this.released; slot < end; slot++) if (this.entries.isBuried(slot)) this.entries.free(slot);
    this.released = end < slots ? end : -1;
    return this.released < 0;
  }
}
