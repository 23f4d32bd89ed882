import { setImmediate as nextTurn } from 'node:timers/promises';
import { pastMaxAge, type Bucket } from '../bucket/index.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { StoreCallbacks } from '../store-callbacks.js';
import { ValueKeyedMap } from '../value-keyed-map.js';
import { decodeChunkKeys } from './dump-chunk.js';
import type { DumpChunks } from './dump-decoder.js';
import { eachChunkInTurns, eachRevivedInSlices } from './revive.js';
import { sameData } from './same-data.js';

/** Resident keys looked up between two turns of the event loop, when finding those the snapshot lacks. */
const LOOKUPS_PER_TURN = 1_000;

/**
 * How a running bucket takes another instance's snapshot (cluster mode): the snapshot's content, each
 * entry with its age (one already past it is left to expire here by itself), except the keys
 * `changedSince` names (changed here after the snapshot was encoded), which keep what they have here,
 * whether a value or nothing. A resident key whose value is the same data keeps its own (`sameData`).
 * Works a chunk at a time with turns of the event loop between them, so reads go on;
 * `changedSince` is asked when a key's turn comes.
 */
export class SnapshotApplication<K, V> {
  constructor(
    private readonly bucket: Bucket<K, V>,
    private readonly maxAge: number | null,
    private readonly revive: StoreCallbacks<K, V>['revive'],
    private readonly logger: CacheWorkerLogger,
  ) {}

  /**
   * Applies `snapshot`; resolves to whether the bucket changed. Rejects at a chunk that can't be read:
   * the entries before it are applied, and no key is deleted.
   */
  async apply(snapshot: DumpChunks, changedSince: (key: K) => boolean): Promise<boolean> {
    let updated = false;
    let residentFromSnapshot = 0;
    const now = Date.now();
    const bucket = this.bucket;
    await eachRevivedInSlices<K, V>(snapshot, this.revive, this.logger, (key, value, storedAt, ownMaxAge) => {
      if (!changedSince(key) && !pastMaxAge(storedAt, ownMaxAge, this.maxAge, now) && this.take(key, value, ownMaxAge, storedAt)) updated = true;
      if (bucket.has(key)) residentFromSnapshot++;
    });
    // Usually the bucket holds the snapshot's keys alone, and the count tells so: then they aren't gathered.
    if (residentFromSnapshot === bucket.size) return updated;
    for (const key of await this.residentKeysOutside(snapshot)) {
      if (changedSince(key)) continue;
      if (bucket.delete(key)) updated = true;
    }
    return updated;
  }

  /**
   * Stores a snapshot's entry: an insert (for the bounds) when the key isn't resident; else the value
   * (its own, when it is the same data) and the age, without it counting as a use. False when nothing changed.
   */
  private take(key: K, value: V, ownMaxAge: number, storedAt: number): boolean {
    const bucket = this.bucket;
    if (!bucket.has(key)) {
      bucket.set(key, value, ownMaxAge, storedAt);
      return true;
    }
    const held = bucket.get(key) as V;
    const same = sameData(held, value);
    if (same && bucket.ages === null) return false;
    bucket.update(key, same ? held : value, ownMaxAge, storedAt);
    return true;
  }

  /**
   * The resident keys that `snapshot` lacks: its keys gathered in a read of its chunks again (the
   * application kept none of them, which would have made every key of the snapshot outlive it).
   */
  private async residentKeysOutside(snapshot: DumpChunks): Promise<K[]> {
    const inSnapshot = new ValueKeyedMap<K, true>();
    await eachChunkInTurns(snapshot, (items) => {
      decodeChunkKeys(items);
      for (let i = 0; i < items.length; i += 2) inSnapshot.set(items[i] as K, true);
    });
    const resident = this.bucket.servedKeyList();
    const outside: K[] = [];
    for (let i = 0; i < resident.length; i++) {
      if (i > 0 && i % LOOKUPS_PER_TURN === 0) await nextTurn();
      if (!inSnapshot.has(resident[i]!)) outside.push(resident[i]!);
    }
    return outside;
  }
}
