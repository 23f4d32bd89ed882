import { setImmediate as nextTurn } from 'node:timers/promises';
import { pastMaxAge, type Bucket } from '../bucket/index.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { StoreCallbacks } from '../store-callbacks.js';
import { ValueKeyedMap } from '../value-keyed-map.js';
import type { DecodedChunks } from './dump-decoder.js';
import { eachChunkInSlices, eachRevivedInSlices, SLICE_ENTRIES } from './revive.js';

/**
 * How a running bucket takes another instance's snapshot (cluster mode): the snapshot's content, each
 * entry with its age (one already past it is left to expire here by itself), except the keys
 * `changedSince` names (changed here after the snapshot was encoded), which keep what they have here,
 * whether a value or nothing. Works in slices with turns of the event loop between them, so reads go
 * on; `changedSince` is asked when a key's turn comes.
 */
export class SnapshotApplication<K, V> {
  constructor(
    private readonly bucket: Bucket<K, V>,
    private readonly maxAge: number | null,
    private readonly revive: StoreCallbacks<K, V>['revive'],
    private readonly logger: CacheWorkerLogger,
  ) {}

  /** Applies `snapshot`; resolves to whether the bucket changed. */
  async apply(snapshot: DecodedChunks, changedSince: (key: K) => boolean): Promise<boolean> {
    let updated = false;
    const now = Date.now();
    const bucket = this.bucket;
    await eachRevivedInSlices<K, V>(snapshot, this.revive, this.logger, (key, value, storedAt, ownMaxAge) => {
      if (changedSince(key) || pastMaxAge(storedAt, ownMaxAge, this.maxAge, now)) return;
      // A resident key takes the value without it counting as a use; a new one is an insert for the bounds.
      if (bucket.has(key)) bucket.update(key, value, ownMaxAge, storedAt);
      else bucket.set(key, value, ownMaxAge, storedAt);
      updated = true;
    });
    for (const key of await this.residentKeysOutside(snapshot.chunks)) {
      if (changedSince(key)) continue;
      if (bucket.delete(key)) updated = true;
    }
    return updated;
  }

  /**
   * The resident keys that `chunks` (a snapshot's, keys decoded) lack, found in slices. Usually there
   * are none, and counting the snapshot's resident keys tells so: then no set of the snapshot's keys
   * is built.
   */
  private async residentKeysOutside(chunks: unknown[][]): Promise<K[]> {
    const bucket = this.bucket;
    let held = 0;
    await eachChunkInSlices(chunks, (chunk) => {
      for (let i = 0; i < chunk.length; i += 2) if (bucket.has(chunk[i] as K)) held++;
    });
    if (held === bucket.size) return [];
    const inSnapshot = new ValueKeyedMap<K, true>();
    await eachChunkInSlices(chunks, (chunk) => {
      for (let i = 0; i < chunk.length; i += 2) inSnapshot.set(chunk[i] as K, true);
    });
    const resident = bucket.servedKeyList();
    const outside: K[] = [];
    for (let i = 0; i < resident.length; i++) {
      if (i > 0 && i % SLICE_ENTRIES === 0) await nextTurn();
      if (!inSnapshot.has(resident[i]!)) outside.push(resident[i]!);
    }
    return outside;
  }
}
