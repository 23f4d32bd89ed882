import type { EvictionPolicy, PolicyBounds } from '../policy.js';
import { AdaptiveTinyLfuPolicy } from './adaptive-tiny-lfu.policy.js';

/**
 * The size policy of a bounded bucket. `evict` is called, synchronously from `onInsert`, for each key
 * that must leave so that every bound holds.
 */
export function createEvictionPolicy<K>(bounds: PolicyBounds, evict: (key: K) => void): EvictionPolicy<K> {
  return new AdaptiveTinyLfuPolicy<K>(bounds, evict);
}
