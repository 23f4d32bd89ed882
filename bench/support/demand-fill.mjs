// Demand fill over a trace: each request is a hit when its key is resident, else a miss that stores it.
import { LRUCache } from 'lru-cache';
import { startStoreApp } from './nest-app.mjs';

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
 * Hits of a real bounded bucket: a Nest application context with one store whose `maxEntries` is
 * `capacity` and whose `load` answers at once, every request an awaited `fetch`. A hit is a `fetch`
 * whose result has `loaded: false`; every miss must have made exactly one `load`. Returns the hits and
 * how many bound checks (`store.size`) were made.
 */
export async function bucketHits(trace, capacity, bucket) {
  const { app, store, counter } = await startStoreApp({ bucket, source: () => ({ ok: true, value: true }), settings: { maxEntries: capacity } });
  let hits = 0;
  let checks = 0;
  try {
    for (let i = 0; i < trace.length; i++) {
      const result = await store.fetch(trace[i]);
      if (!result.ok) throw new Error(`${bucket}: fetch of ${trace[i]} failed at request ${i}: ${result.error}`);
      if (!result.loaded) hits++;
      if ((i & (BOUND_CHECK_EVERY - 1)) === 0) {
        checkBound(store.size, capacity, bucket, i);
        checks++;
      }
    }
    const misses = trace.length - hits;
    if (counter.loads !== misses) throw new Error(`${bucket}: ${counter.loads} load calls for ${misses} misses`);
  } finally {
    await app.close();
  }
  return { hits, checks };
}
