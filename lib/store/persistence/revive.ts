import { setImmediate as nextTurn } from 'node:timers/promises';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import { isThenable } from '../loading/index.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import { decodeChunkKeys } from './dump-chunk.js';
import { ownMaxAgeOf, storedAtOf, type DumpChunks } from './dump-decoder.js';

type Revive<V> = ((value: unknown) => V) | undefined;

/** The entries `revive` threw for, across the slices of one pass. */
interface Failures {
  count: number;
  first: string;
}

/**
 * Passes each entry of a dump or snapshot (keys and values alternating) through `revive` and hands it
 * to `store` with its index in the dump; entries `revive` throws for are left out, and logged once for all.
 */
export function eachRevived<K, V>(flat: unknown[], revive: Revive<V>, logger: CacheWorkerLogger, store: (key: K, value: V, index: number) => void): void {
  const failures: Failures = { count: 0, first: '' };
  reviveEach(flat, revive, failures, store);
  report(failures, logger);
}

/**
 * The same over the chunks of a snapshot, each entry with its age, a chunk pulled, decoded and gone
 * through between two turns of the event loop, for a bucket that serves reads or hears from Redis meanwhile.
 * Rejects at a chunk that can't be read, or when reading them fails (the entries before it are stored).
 */
export async function eachRevivedInSlices<K, V>(
  snapshot: DumpChunks,
  revive: Revive<V>,
  logger: CacheWorkerLogger,
  store: (key: K, value: V, storedAt: number, ownMaxAge: number) => void,
): Promise<void> {
  const failures: Failures = { count: 0, first: '' };
  const { createdAt } = snapshot;
  try {
    await eachChunkInTurns(snapshot, (items, ages) => {
      decodeChunkKeys(items);
      reviveEach<K, V>(items, revive, failures, (key, value, at) => store(key, value, storedAtOf(ages, createdAt, at), ownMaxAgeOf(ages, at)));
    });
  } finally {
    report(failures, logger);
  }
}

/** Hands `visit` each chunk of a snapshot as it is pulled and decoded, a turn of the event loop between two. */
export async function eachChunkInTurns(snapshot: DumpChunks, visit: (items: unknown[], ages: unknown[] | null) => void): Promise<void> {
  let first = true;
  for await (const { items, ages } of snapshot.chunks()) {
    if (!first) await nextTurn();
    first = false;
    visit(items, ages);
  }
}

function reviveEach<K, V>(
  flat: unknown[],
  revive: Revive<V>,
  failures: Failures,
  store: (key: K, value: V, index: number) => void,
): void {
  for (let i = 0; i < flat.length; i += 2) {
    let value = flat[i + 1] as V;
    if (revive) {
      try {
        value = revive(value);
        if (isThenable(value)) {
          Promise.resolve(value).catch(() => undefined); // a rejection must not go unhandled
          throw new Error(messages.reviveReturnedPromise());
        }
      } catch (error) {
        if (failures.count++ === 0) failures.first = describeError(error);
        continue;
      }
    }
    store(flat[i] as K, value, i / 2);
  }
}

function report(failures: Failures, logger: CacheWorkerLogger): void {
  if (failures.count > 0) logger.warn(messages.reviveFailed(failures.count, failures.first));
}
