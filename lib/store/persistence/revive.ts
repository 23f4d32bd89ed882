import { setImmediate as nextTurn } from 'node:timers/promises';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import { isThenable } from '../loading/index.js';
import type { CacheWorkerLogger } from '../logger.interface.js';

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
  reviveRange(flat, 0, flat.length, revive, failures, store);
  report(failures, logger);
}

/**
 * The same in slices of `sliceEntries` entries with a turn of the event loop between two, for a
 * bucket that serves reads meanwhile.
 */
export async function eachRevivedInSlices<K, V>(
  flat: unknown[],
  revive: Revive<V>,
  logger: CacheWorkerLogger,
  store: (key: K, value: V, index: number) => void,
  sliceEntries: number,
): Promise<void> {
  const failures: Failures = { count: 0, first: '' };
  for (let from = 0; from < flat.length; from += sliceEntries * 2) {
    if (from > 0) await nextTurn();
    reviveRange(flat, from, Math.min(flat.length, from + sliceEntries * 2), revive, failures, store);
  }
  report(failures, logger);
}

function reviveRange<K, V>(
  flat: unknown[],
  from: number,
  to: number,
  revive: Revive<V>,
  failures: Failures,
  store: (key: K, value: V, index: number) => void,
): void {
  for (let i = from; i < to; i += 2) {
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
