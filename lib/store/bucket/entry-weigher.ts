import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import { isThenable } from '../loading/load-runner.js';
import type { CacheWorkerLogger } from '../logger.interface.js';

/** The weight of one entry, as the bucket's policy counts it. */
export type EntryWeigher<K, V> = (key: K, value: V) => number;

/**
 * The store's `weigh(key, value)`, made safe: a throw, or anything but a finite number of at least 0,
 * weighs 1, and each of these two kinds of failure is logged once.
 */
export function safeWeigher<K, V>(
  weigh: (key: K, value: V) => unknown,
  logger: CacheWorkerLogger,
  keyText: (key: K) => string,
): EntryWeigher<K, V> {
  let threwLogged = false;
  let invalidLogged = false;
  return (key, value) => {
    let weight: unknown;
    try {
      weight = weigh(key, value);
    } catch (error) {
      if (!threwLogged) logger.warn(messages.weighThrew(keyText(key), describeError(error)));
      threwLogged = true;
      return 1;
    }
    if (typeof weight === 'number' && weight >= 0 && weight !== Infinity) return weight; // NaN fails `>= 0`
    if (isThenable(weight)) Promise.resolve(weight).catch(() => undefined); // a rejection must not go unhandled
    if (!invalidLogged) logger.warn(messages.weighInvalid(keyText(key), weight));
    invalidLogged = true;
    return 1;
  };
}
