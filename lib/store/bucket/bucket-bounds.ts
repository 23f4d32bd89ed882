import type { CacheWorkerConfig } from '../../interfaces/cache-worker-config.interface.js';
import { CacheWorkerConfigError } from '../../errors/cache-worker.errors.js';
import * as messages from '../../cache-worker.messages.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { StoreCallbacks } from '../store-callbacks.js';
import type { BucketBounds } from './bucket.js';
import { safeWeigher } from './entry-weigher.js';

/** The bounds of a bucket, or null when it has none; fails bootstrap when `maxWeight` has no `weigh`. */
export function bucketBounds<K, V>(
  config: CacheWorkerConfig,
  callbacks: StoreCallbacks<K, V>,
  logger: CacheWorkerLogger,
  keyText: (key: K) => string,
): BucketBounds<K, V> | null {
  const { maxEntries, maxWeight } = config;
  if (maxEntries === null && maxWeight === null) return null;
  if (maxWeight !== null && !callbacks.weigh) throw new CacheWorkerConfigError(messages.missingWeigh(config.bucket));
  return { maxEntries, maxWeight, weigh: callbacks.weigh ? safeWeigher(callbacks.weigh, logger, keyText) : null };
}
