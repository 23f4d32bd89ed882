import { setImmediate as nextTurn } from 'node:timers/promises';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import { isThenable } from '../loading/index.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import { decodeChunkKeys, ownMaxAgeOf, storedAtOf, type DecodedChunks } from './dump-decoder.js';

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
 * Entries gone through between two turns of the event loop: a few milliseconds of work, so that a
 * collection of the young generation falling into a slice still leaves the loop's delay short.
 */
export const SLICE_ENTRIES = 1_000;

/**
 * The same over the chunks of a snapshot (keys not yet decoded), each entry with its age, in slices
 * with a turn of the event loop between two, for a bucket that serves reads or hears from Redis meanwhile.
 */
export async function eachRevivedInSlices<K, V>(
  snapshot: DecodedChunks,
  revive: Revive<V>,
  logger: CacheWorkerLogger,
  store: (key: K, value: V, storedAt: number, ownMaxAge: number) => void,
): Promise<void> {
  const failures: Failures = { count: 0, first: '' };
  const { chunkAges, createdAt } = snapshot;
  let chunkIndex = 0;
  await eachChunkInSlices(snapshot.chunks, (chunk) => {
    const ages = chunkAges[chunkIndex++] ?? null;
    decodeChunkKeys(chunk);
    reviveEach<K, V>(chunk, revive, failures, (key, value, index) => store(key, value, storedAtOf(ages, createdAt, index), ownMaxAgeOf(ages, index)));
  });
  report(failures, logger);
}

/** Hands `visit` the chunks (keys and values alternating), about `SLICE_ENTRIES` entries between two turns of the event loop. */
export async function eachChunkInSlices(chunks: unknown[][], visit: (chunk: unknown[]) => void): Promise<void> {
  let sinceTurn = 0;
  for (const chunk of chunks) {
    if (sinceTurn >= SLICE_ENTRIES) {
      await nextTurn();
      sinceTurn = 0;
    }
    visit(chunk);
    sinceTurn += chunk.length / 2;
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
