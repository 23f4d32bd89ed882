// Demand fill over a trace: each request is a hit when its key is resident, else a miss that stores it.
import { LRUCache } from 'lru-cache';

/** Resident keys are counted every this many requests; a count above the bound fails the run. */
export const BOUND_CHECK_EVERY = 1024;

function checkBound(size, bound, what, request) {
  if (size > bound) throw new Error(`${what}: ${size} entries resident at request ${request}, above the bound of ${bound}`);
}

/** Hits of an exact LRU (lru-cache with `max`). */
export function lruHits(trace, capacity) {
  const cache = new LRUCache({ max: capacity });
  let hits = 0;
  for (let i = 0; i < trace.length; i++) {
    const key = trace[i];
    if (cache.get(key) !== undefined) hits++;
    else cache.set(key, true);
  }
  return hits;
}

/**
 * Hits of an eviction policy driven directly, the way a bucket drives it: a Set of resident keys,
 * `onRead` on a hit, `onInsert` on a miss, and the policy's `evict` removing keys. Returns the hits and
 * how many bound checks were made.
 */
export function policyHits(createEvictionPolicy, trace, capacity) {
  const resident = new Set();
  const policy = createEvictionPolicy({ maxEntries: capacity, maxWeight: null }, (key) => resident.delete(key));
  let hits = 0;
  let checks = 0;
  for (let i = 0; i < trace.length; i++) {
    const key = trace[i];
    if (resident.has(key)) {
      hits++;
      policy.onRead(key);
    } else {
      resident.add(key);
      policy.onInsert(key, 1);
    }
    if ((i & (BOUND_CHECK_EVERY - 1)) === 0) {
      checkBound(resident.size, capacity, 'the policy', i);
      checks++;
    }
  }
  return { hits, checks };
}
