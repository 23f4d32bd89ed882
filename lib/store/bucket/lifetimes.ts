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

/**
 * One entry's times, in ms since the epoch (wall clock: they travel in dumps and to other instances),
 * with its value, so that a read of a primitive key finds both in one lookup.
 */
export class EntryTimes<V = unknown> {
  constructor(
    public value: V,
    public storedAt: number,
    public lastReadAt: number,
    /** The entry's own max age (from `load` or `set`), or -1: the bucket's applies. */
    public ownMaxAge: number,
    /** `storedAt` plus the max age that applies; Infinity when none does. */
    public expiresAt: number,
  ) {}
}

/** The age an entry carries in a dump or snapshot: when it was stored, and its own max age (-1: none). */
export interface StoredAge {
  storedAt: number;
  ownMaxAge: number;
}

/**
 * Per-entry ages of one bucket: when each entry was stored and last read, and its own max age. It
 * sees the bucket's own keys (as the eviction policy does) and is told of every write and removal.
 * A bucket without lifetimes has none of this, so its reads pay nothing for it.
 */
export class Lifetimes<K, V = unknown> {
  private readonly times = new Map<K, EntryTimes<V>>();
  private readonly maxAge: number;
  private readonly idle: number;
  private readonly refreshAfter: number;
  /**
   * No entry is due before this: a lower bound, since reads only push idle deadlines later and every
   * write lowers it when it must. The sweep skips its pass until then.
   */
  nextDue = Infinity;
  /** The pass of the sweep in progress, and the earliest due time it has seen. */
  private cursor: Iterator<[K, EntryTimes<V>]> | null = null;
  private passDue = Infinity;

  constructor(settings: LifetimeSettings) {
    this.maxAge = settings.maxAge ?? Infinity;
    this.idle = settings.expireAfterIdle ?? Infinity;
    this.refreshAfter = settings.refreshAfter ?? Infinity;
  }

  get size(): number {
    return this.times.size;
  }

  /**
   * The key was stored with `value` at `storedAt`, with its own max age (-1: the bucket's). A new
   * entry counts as read when stored; `read` tells whether this store is a use of the key (a write, a
   * load on a read) rather than a refresh or another instance's value.
   */
  stored(key: K, value: V, storedAt: number, ownMaxAge: number, read: boolean, now: number): void {
    const expiresAt = storedAt + (ownMaxAge >= 0 ? ownMaxAge : this.maxAge);
    let times = this.times.get(key);
    if (times === undefined) this.times.set(key, (times = new EntryTimes(value, storedAt, now, ownMaxAge, expiresAt)));
    else {
      times.value = value;
      times.storedAt = storedAt;
      times.ownMaxAge = ownMaxAge;
      times.expiresAt = expiresAt;
      if (read) times.lastReadAt = now;
    }
    const due = this.dueOf(times);
    if (due < this.nextDue) this.nextDue = due;
  }

  /** A read found the key resident: whether it may be served (and it counts as read), or why not. */
  read(key: K, now: number): ReadVerdict {
    const times = this.times.get(key);
    return times === undefined ? LIVE : this.check(times, now);
  }

  /** `read`, given the entry's times. */
  check(times: EntryTimes<V>, now: number): ReadVerdict {
    if (now >= times.expiresAt) return EXPIRED;
    if (now - times.lastReadAt >= this.idle) return IDLE;
    times.lastReadAt = now;
    return now - times.storedAt >= this.refreshAfter ? STALE : LIVE;
  }

  /** Why the key may no longer be served, without it counting as read; null while it may. */
  deadCause(key: K, now: number): AgeCause | null {
    const times = this.times.get(key);
    return times === undefined ? null : this.causeAt(times, now);
  }

  timesOf(key: K): EntryTimes<V> | undefined {
    return this.times.get(key);
  }

  /** When the entry stops being served (its age or its idleness); Infinity when never. */
  dueOf(times: EntryTimes<V>): number {
    return Math.min(times.expiresAt, times.lastReadAt + this.idle);
  }

  removed(key: K): void {
    this.times.delete(key);
  }

  clear(): void {
    this.times.clear();
    this.cursor = null;
  }

  /**
   * One step of the sweep: checks up to `limit` entries from where the last step stopped and hands
   * those past their time to `remove` (which calls `removed`). Returns true once a pass is complete.
   */
  sweepStep(now: number, limit: number, remove: (key: K, cause: AgeCause) => void): boolean {
    if (this.cursor === null) {
      this.cursor = this.times.entries();
      this.passDue = Infinity;
      this.nextDue = Infinity; // writes during the pass lower it; the pass adds what it sees
    }
    for (let i = 0; i < limit; i++) {
      const next = this.cursor.next();
      if (next.done === true) {
        this.cursor = null;
        if (this.passDue < this.nextDue) this.nextDue = this.passDue;
        return true;
      }
      const [key, times] = next.value;
      const cause = this.causeAt(times, now);
      if (cause !== null) remove(key, cause);
      else {
        const due = this.dueOf(times);
        if (due < this.passDue) this.passDue = due;
      }
    }
    return false;
  }

  private causeAt(times: EntryTimes<V>, now: number): AgeCause | null {
    if (now >= times.expiresAt) return 'expired';
    return now - times.lastReadAt >= this.idle ? 'idle' : null;
  }
}
