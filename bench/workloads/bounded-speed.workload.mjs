import { LRUCache } from 'lru-cache';
import { keyOf, valueOf } from '../support/data.mjs';
import { BATCH, consume, opsOf, randomOrder, ratioOf, runRounds, sink } from '../support/micro.mjs';
import { assertNoLoads, startStoreApp } from '../support/nest-app.mjs';
import { atLeast, row } from '../support/rows.mjs';

/** Distinct keys a full bucket is fed with before any repeats: far more than it holds, so every `set` is new. */
const FRESH_KEYS = 1 << 20;

/**
 * Workload 9: the speed of a bounded bucket (`maxEntries`). Two bounded buckets live in the process, one
 * with string keys and one with object keys, both read before timing (an app mixes them, and shared code
 * sites turn polymorphic). With `keys` resident and room for twice as many: `await fetch` hits against
 * lru-cache 11 `fetch` with `max` set, and `peek` against `Map.get`. Then a full bucket where every `set`
 * brings a key it doesn't hold (so each one evicts), against lru-cache `set` into a full cache.
 */
export default {
  id: 9,
  name: 'bounded bucket speed',
  sizes: { full: { keys: 10_000 }, quick: { keys: 10_000 }, smoke: { keys: 1_000 } },
  async run({ sizes, rounds, timeMs }) {
    const bound = sizes.keys * 2;
    const keys = [];
    const objectKeys = [];
    const values = [];
    for (let i = 0; i < sizes.keys; i++) {
      keys.push(keyOf(i));
      objectKeys.push({ tenant: `tenant-${i % 50}`, id: i });
      values.push(valueOf(i));
    }
    const source = () => ({ ok: false, error: 'not cached' });
    const strings = await startStoreApp({ bucket: 'bench-bounded-strings', source, settings: { maxEntries: bound } });
    const objects = await startStoreApp({ bucket: 'bench-bounded-objects', source, settings: { maxEntries: bound } });
    const full = await startStoreApp({ bucket: 'bench-bounded-full', source, settings: { maxEntries: bound } });
    const map = new Map();
    let peerLoads = 0;
    const lru = new LRUCache({ max: bound, fetchMethod: async () => ++peerLoads });
    const fullLru = new LRUCache({ max: bound });
    for (let i = 0; i < sizes.keys; i++) {
      strings.store.set(keys[i], values[i]);
      objects.store.set(objectKeys[i], values[i]);
      map.set(keys[i], values[i]);
      lru.set(keys[i], values[i]);
    }
    const fresh = Array.from({ length: FRESH_KEYS }, (_, i) => `fresh:${i}`);
    for (let i = 0; i < bound; i++) {
      full.store.set(fresh[i], values[i % values.length]);
      fullLru.set(fresh[i], values[i % values.length]);
    }
    // Both key kinds go through the shared code before timing.
    for (let i = 0; i < sizes.keys; i++) {
      consume((await objects.store.fetch({ ...objectKeys[i] })).value);
      consume(objects.store.peek({ ...objectKeys[i] }));
      consume((await strings.store.fetch(keys[i])).value);
    }

    const order = randomOrder(keys);
    const mask = order.length - 1;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    // Both full caches are fed the same sequence of new keys, each from where it stopped.
    let e = bound;
    let f = bound;
    const misses = sink.misses;
    const perRound = await runRounds(
      {
        'Map.get': () => {
          for (let i = 0; i < BATCH; i++) consume(map.get(order[(a + i) & mask]));
          a = (a + BATCH) & mask;
        },
        'peek, bounded': () => {
          for (let i = 0; i < BATCH; i++) consume(strings.store.peek(order[(b + i) & mask]));
          b = (b + BATCH) & mask;
        },
        'await fetch, bounded': async () => {
          for (let i = 0; i < BATCH; i++) consume((await strings.store.fetch(order[(c + i) & mask])).value);
          c = (c + BATCH) & mask;
        },
        'await lru-cache fetch, max': async () => {
          for (let i = 0; i < BATCH; i++) consume(await lru.fetch(order[(d + i) & mask]));
          d = (d + BATCH) & mask;
        },
        'set into a full bucket': () => {
          for (let i = 0; i < BATCH; i++) full.store.set(fresh[(e + i) & (FRESH_KEYS - 1)], values[i]);
          e = (e + BATCH) & (FRESH_KEYS - 1);
        },
        'lru-cache set, full': () => {
          for (let i = 0; i < BATCH; i++) fullLru.set(fresh[(f + i) & (FRESH_KEYS - 1)], values[i]);
          f = (f + BATCH) & (FRESH_KEYS - 1);
        },
      },
      { rounds, timeMs },
    );
    for (const app of [strings, objects, full]) assertNoLoads(app.counter, 'workload 9');
    if (peerLoads !== 0 || sink.misses !== misses) throw new Error('workload 9: a read missed');
    if (strings.store.size !== sizes.keys) throw new Error('workload 9: the bucket of resident keys evicted');
    if (full.store.size !== bound || full.store.stats().evictions === 0) throw new Error('workload 9: the full bucket did not evict');
    for (const app of [strings, objects, full]) await app.app.close();

    const versus = (measure, name, baseline, target) =>
      row({
        measure,
        unit: 'ops/s',
        library: opsOf(perRound, name),
        baselineName: baseline,
        baseline: opsOf(perRound, baseline),
        ratio: ratioOf(perRound, name, baseline),
        target,
      });
    return [
      versus(`await fetch, maxEntries ${bound}`, 'await fetch, bounded', 'await lru-cache fetch, max', atLeast(1.3)),
      versus('set into a full bucket', 'set into a full bucket', 'lru-cache set, full', atLeast(1.0)),
      versus('peek, bounded, beside an object-key bucket', 'peek, bounded', 'Map.get', atLeast(0.85)),
    ];
  },
};
