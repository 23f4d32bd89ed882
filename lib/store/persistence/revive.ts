import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import { isThenable } from '../loading/index.js';
import type { CacheWorkerLogger } from '../logger.interface.js';

/**
 * Passes each entry of a dump or snapshot (keys and values alternating) through `revive` and hands it
 * to `store` with its index in the dump; entries `revive` throws for are left out, and logged once for all.
 */
export function eachRevived<K, V>(
  flat: unknown[],
  revive: ((value: unknown) => V) | undefined,
  logger: CacheWorkerLogger,
  store: (key: K, value: V, index: number) => void,
): void {
  let failures = 0;
  let firstError = '';
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
        if (failures++ === 0) firstError = describeError(error);
        continue;
      }
    }
    store(flat[i] as K, value, i / 2);
  }
  if (failures > 0) logger.warn(messages.reviveFailed(failures, firstError));
}
