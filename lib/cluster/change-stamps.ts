import { ValueKeyedMap } from '../store/value-keyed-map.js';

/** For each instance, the last of its changes (by sequence number) that a snapshot or an instance has seen. */
export type Seen = ReadonlyMap<string, number>;

/** Where a change comes from: its instance and its sequence number there. */
export interface Stamp {
  from: string;
  seq: number;
}

const covers = (seen: Seen, stamp: Stamp) => (seen.get(stamp.from) ?? 0) >= stamp.seq;

/**
 * The ordering of one bucket's changes across instances. Each instance numbers its own changes; each
 * instance delivers its changes in order (pub/sub keeps a publisher's order), so "the last change of
 * instance X I have seen" is one number per instance. A snapshot carries those numbers as the leader
 * had them when it encoded it: a change it doesn't cover is newer than the snapshot, and the key it
 * touched keeps its value here. Keys touched by changes no snapshot covers yet are remembered until
 * one does.
 */
export class ChangeStamps<K> {
  private readonly seen = new Map<string, number>();
  private readonly uncovered = new ValueKeyedMap<K, Stamp>();
  private uncoveredClear: Stamp | null = null;
  private ownSeq = 0;

  constructor(private readonly self: string) {}

  /** The number of the last change made here. */
  get lastOwn(): number {
    return this.ownSeq;
  }

  /** Stamps a change made here. */
  stampOwn(key: K | null): Stamp {
    const stamp = { from: this.self, seq: ++this.ownSeq };
    this.seen.set(this.self, stamp.seq);
    this.remember(key, stamp);
    return stamp;
  }

  /** Whether a change from another instance is one this instance hasn't seen (directly, or in a snapshot). */
  isNew(stamp: Stamp): boolean {
    return !covers(this.seen, stamp);
  }

  /** Records a change from another instance as seen here, touching `key` (null: every key, a clear). */
  accept(key: K | null, stamp: Stamp): void {
    this.seen.set(stamp.from, stamp.seq);
    this.remember(key, stamp);
  }

  /** What this instance has seen now: what a snapshot encoded now covers. */
  capture(): Seen {
    return new Map(this.seen);
  }

  /** Whether `key` changed here after what a snapshot that saw `seen` holds. */
  changedAfter(seen: Seen, key: K): boolean {
    if (this.uncoveredClear !== null && !covers(seen, this.uncoveredClear)) return true;
    const stamp = this.uncovered.get(key);
    return stamp !== undefined && !covers(seen, stamp);
  }

  /** A snapshot that saw `seen` is in the bucket now: forget the changes it covers, and count them as seen. */
  settle(seen: Seen): void {
    for (const [key, stamp] of [...this.uncovered]) if (covers(seen, stamp)) this.uncovered.delete(key);
    if (this.uncoveredClear !== null && covers(seen, this.uncoveredClear)) this.uncoveredClear = null;
    for (const [from, seq] of seen) if (seq > (this.seen.get(from) ?? 0)) this.seen.set(from, seq);
  }

  private remember(key: K | null, stamp: Stamp): void {
    if (key === null) {
      this.uncovered.clear();
      this.uncoveredClear = stamp;
    } else {
      this.uncovered.set(key, stamp);
    }
  }
}

/** `seen` as text for the snapshot hash, and back; anything malformed reads as "saw nothing". */
export function encodeSeen(seen: Seen): string {
  return JSON.stringify([...seen]);
}

export function decodeSeen(text: string | null | undefined): Seen {
  try {
    const pairs: unknown = JSON.parse(text ?? '[]');
    if (!Array.isArray(pairs)) return new Map();
    return new Map(pairs.filter((pair): pair is [string, number] => Array.isArray(pair) && typeof pair[0] === 'string' && Number.isSafeInteger(pair[1])));
  } catch {
    return new Map();
  }
}
