/** Why an entry left its bucket: it was full, it passed its age, or it was not read for too long. */
export type RemovalCause = 'size' | AgeCause;
/** Why an entry may no longer be served. */
export type AgeCause = 'expired' | 'idle';

/** The bucket's lifetime settings (ms), `null` for off. */
export interface LifetimeSettings {
  maxAge: number | null;
  expireAfterIdle: number | null;
  refreshAfter: number | null;
}

/** What a read finds of an entry's lifetime: small integers, so the read path compares numbers. */
export const LIVE = 0;
/** Older than `refreshAfter`: served, and reloaded in the background. */
export const STALE = 1;
export const EXPIRED = 2;
export const IDLE = 3;
export type ReadVerdict = typeof LIVE | typeof STALE | typeof EXPIRED | typeof IDLE;

/** Whether an entry stored at `storedAt` is past the max age that applies to it: its own (-1: none), else the bucket's. */
export function pastMaxAge(storedAt: number, ownMaxAge: number, bucketMaxAge: number | null, now: number): boolean {
  const maxAge = ownMaxAge >= 0 ? ownMaxAge : bucketMaxAge;
  return maxAge !== null && now >= storedAt + maxAge;
}

/** The age an entry carries in a dump or snapshot: when it was stored, and its own max age (-1: none). */
export interface StoredAge {
  storedAt: number;
  ownMaxAge: number;
}

/** Read times are kept as ms from a base this far behind the clock when it is set (about 12 days: room for the clock to step back). */
const BASE_LEAD = 2 ** 30;
/** The most a read time may be past the base before the base moves on (an Int32 holds it). */
const MOST_PAST_BASE = 2 ** 31 - 1;
const FIRST_SLOTS = 1024;

/**
 * Per-entry ages of one bucket, in arrays indexed by the slots of the bucket's entries: when each
 * entry was stored (ms since the epoch, wall clock: ages travel in dumps and to other instances), its
 * own max age (-1: the bucket's applies) and when it was last read. The bucket tells it of every
 * store and gives it, for the sweep, its keys and where their slots are. A typed array costs 16 bytes an
 * entry and nothing for the garbage collector to trace. A bucket without lifetimes has none of this.
 */
export class Lifetimes<K> {
  /**
   * 16 bytes a slot, in one buffer so that a read touches one cache line: the stored time (a Float64
   * at word 2·slot), the last read (an Int32 at 4·slot + 2, ms from `base`) and the own max age (a
   * Float32 at 4·slot + 3: exact to the millisecond up to 4.6 hours, to 1 part in 16 million beyond).
   */
  private storedAt = new Float64Array(2 * FIRST_SLOTS);
  private lastRead = new Int32Array(this.storedAt.buffer);
  private ownMaxAge = new Float32Array(this.storedAt.buffer);
  private base: number;
  private readonly maxAge: number;
  private readonly idle: number;
  private readonly refreshAfter: number;
  /**
   * No entry is due before this: a lower bound, since reads only push idle deadlines later and every
   * store lowers it when it must. The sweep skips its pass until then.
   */
  nextDue = Infinity;
  /** The pass of the sweep in progress, and the earliest due time it has seen. */
  private cursor: Iterator<K> | null = null;
  private passDue = Infinity;

  constructor(
    settings: LifetimeSettings,
    /**
     * The bucket's own keys, as the sweep goes through them: an iteration that may still give keys
     * removed since it began (`slotOf` then finds none) and miss keys added since (the next pass sees them).
     */
    private readonly keys: () => Iterator<K>,
    private readonly slotOf: (key: K) => number | undefined,
    now = Date.now(),
  ) {
    this.maxAge = settings.maxAge ?? Infinity;
    this.idle = settings.expireAfterIdle ?? Infinity;
    this.refreshAfter = settings.refreshAfter ?? Infinity;
    this.base = now - BASE_LEAD;
  }

  /**
   * The entry of `slot` was stored at `storedAt`, with its own max age (-1: the bucket's). `read`
   * tells whether this store is a use of the key (a new entry, a write, a load on a read) rather than
   * a refresh or another instance's value: only a use counts as a read.
   */
  stored(slot: number, storedAt: number, ownMaxAge: number, read: boolean, now: number): void {
    if (2 * slot >= this.storedAt.length) this.grow(slot);
    this.storedAt[2 * slot] = storedAt;
    this.ownMaxAge[4 * slot + 3] = ownMaxAge;
    if (read) this.lastRead[4 * slot + 2] = this.sinceBase(now);
    const due = this.dueOf(slot);
    if (due < this.nextDue) this.nextDue = due;
  }

  /** A read found the entry of `slot`: whether it may be served (and it counts as read), or why not. */
  check(slot: number, now: number): ReadVerdict {
    const storedAt = this.storedAt[2 * slot]!;
    const own = this.ownMaxAge[4 * slot + 3]!;
    if (now >= storedAt + (own >= 0 ? own : this.maxAge)) return EXPIRED;
    const sinceBase = this.sinceBase(now);
    const lastRead = 4 * slot + 2;
    if (sinceBase - this.lastRead[lastRead]! >= this.idle) return IDLE;
    this.lastRead[lastRead] = sinceBase;
    return now - storedAt >= this.refreshAfter ? STALE : LIVE;
  }

  /** Why the entry of `slot` may no longer be served, without it counting as read; null while it may. */
  deadCause(slot: number, now: number): AgeCause | null {
    if (now >= this.expiresAt(slot)) return 'expired';
    return now - this.lastReadAt(slot) >= this.idle ? 'idle' : null;
  }

  storedAtOf(slot: number): number {
    return this.storedAt[2 * slot]!;
  }

  ownMaxAgeOf(slot: number): number {
    return this.ownMaxAge[4 * slot + 3]!;
  }

  lastReadAt(slot: number): number {
    return this.base + this.lastRead[4 * slot + 2]!;
  }

  /** Its stored time plus the max age that applies; Infinity when none does. */
  expiresAt(slot: number): number {
    const own = this.ownMaxAge[4 * slot + 3]!;
    return this.storedAt[2 * slot]! + (own >= 0 ? own : this.maxAge);
  }

  /** When the entry stops being served (its age or its idleness); Infinity when never. */
  dueOf(slot: number): number {
    return Math.min(this.expiresAt(slot), this.lastReadAt(slot) + this.idle);
  }

  clear(): void {
    this.cursor = null;
  }

  /**
   * One step of the sweep: checks up to `limit` entries from where the last step stopped and hands
   * those past their time to `remove`, with their slot. Returns true once a pass is complete.
   */
  sweepStep(now: number, limit: number, remove: (key: K, slot: number, cause: AgeCause) => void): boolean {
    if (this.cursor === null) {
      this.cursor = this.keys();
      this.passDue = Infinity;
      this.nextDue = Infinity; // stores during the pass lower it; the pass adds what it sees
    }
    for (let i = 0; i < limit; i++) {
      const next = this.cursor.next();
      if (next.done === true) {
        this.cursor = null;
        if (this.passDue < this.nextDue) this.nextDue = this.passDue;
        return true;
      }
      const key = next.value;
      const slot = this.slotOf(key);
      if (slot === undefined) continue;
      const cause = this.deadCause(slot, now);
      if (cause !== null) remove(key, slot, cause);
      else {
        const due = this.dueOf(slot);
        if (due < this.passDue) this.passDue = due;
      }
    }
    return false;
  }

  /**
   * `now` as ms from the base. Once that passes what an Int32 holds (after about 12 days), the base
   * moves on and the read times with it; a read longer ago than about 24 days stays that long ago.
   */
  private sinceBase(now: number): number {
    const since = now - this.base;
    if (since <= MOST_PAST_BASE) return since;
    const shift = since - BASE_LEAD;
    this.base += shift;
    const lastRead = this.lastRead;
    for (let i = 2; i < lastRead.length; i += 4) lastRead[i] = Math.max(lastRead[i]! - shift, -MOST_PAST_BASE - 1);
    return BASE_LEAD;
  }

  private grow(slot: number): void {
    const storedAt = new Float64Array(2 * Math.max(slot + 1, this.storedAt.length));
    storedAt.set(this.storedAt);
    this.storedAt = storedAt;
    this.lastRead = new Int32Array(storedAt.buffer);
    this.ownMaxAge = new Float32Array(storedAt.buffer);
  }
}
