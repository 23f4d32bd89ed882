import type { EvictionPolicy, EvictSlot, PolicyBounds } from '../policy.js';
import { AdaptiveTinyLfuPolicy } from './adaptive-tiny-lfu.policy.js';

/**
 * The size policy of a bounded bucket. `evict` is called, synchronously from `onInsert` or `onUpdate`,
 * for each slot that must be given up so that every bound holds.
 */
export function createEvictionPolicy<K>(bounds: PolicyBounds, evict: EvictSlot<K>): EvictionPolicy<K> {
  return new AdaptiveTinyLfuPolicy<K>(bounds, evict);
}
