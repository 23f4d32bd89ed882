import { setImmediate as nextTurn } from 'node:timers/promises';
import { pastMaxAge, type Bucket } from '../bucket/index.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { StoreCallbacks } from '../store-callbacks.js';
import { ValueKeyedMap } from '../value-keyed-map.js';
import type { DumpChunks } from './dump-decoder.js';
import { eachRevivedInSlices } from './revive.js';
import { sameData } from './same-data.js';

/** Resident keys looked up between two turns of the event loop, when finding those a snapshot lacks. */
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
    const now = Date.now();
    const bucket = this.bucket;
    const snapshotKeys: K[] = [];
    await eachRevivedInSlices<K, V>(snapshot, this.revive, this.logger, (key, value, storedAt, ownMaxAge) => {
      snapshotKeys.push(key);
      if (changedSince(key) || pastMaxAge(storedAt, ownMaxAge, this.maxAge, now)) return;
      if (!bucket.has(key)) {
        bucket.set(key, value, ownMaxAge, storedAt); // an insert, for the bounds
        updated = true;
        return;
      }
      // A resident key takes the value (its own, when it is the same data) and the age, without it counting as a use.
      const held = bucket.get(key) as V;
      const same = sameData(held, value);
      if (same && bucket.ages === null) return; // nothing would change
      bucket.update(key, same ? held : value, ownMaxAge, storedAt);
      updated = true;
    });
    for (const key of await this.residentKeysOutside(snapshotKeys)) {
      if (changedSince(key)) continue;
      if (bucket.delete(key)) updated = true;
    }
    return updated;
  }

  /**
   * The resident keys that `snapshotKeys` lacks, found in slices. Usually there are none, and counting
   * the snapshot's resident keys tells so: then no set of the snapshot's keys is built.
   */
  private async residentKeysOutside(snapshotKeys: K[]): Promise<K[]> {
    const bucket = this.bucket;
    let held = 0;
    for (let i = 0; i < snapshotKeys.length; i++) {
      if (i > 0 && i % LOOKUPS_PER_TURN === 0) await nextTurn();
      if (bucket.has(snapshotKeys[i]!)) held++;
    }
    if (held === bucket.size) return [];
    const inSnapshot = new ValueKeyedMap<K, true>();
    for (let i = 0; i < snapshotKeys.length; i++) {
      if (i > 0 && i % LOOKUPS_PER_TURN === 0) await nextTurn();
      inSnapshot.set(snapshotKeys[i]!, true);
    }
    const resident = bucket.servedKeyList();
    const outside: K[] = [];
    for (let i = 0; i < resident.length; i++) {
      if (i > 0 && i % LOOKUPS_PER_TURN === 0) await nextTurn();
      if (!inSnapshot.has(resident[i]!)) outside.push(resident[i]!);
    }
    return outside;
  }
}
