import { createCache } from 'cache-manager';
import { LRUCache } from 'lru-cache';
import { entries } from '../support/data.mjs';
import { BATCH, consume, opsOf, randomOrder, ratioOf, runRounds, sink } from '../support/micro.mjs';
import { assertNoLoads, startStoreApp } from '../support/nest-app.mjs';
import { atLeast, row } from '../support/rows.mjs';

/**
 * Workload 1: reads of cached string keys in random order through `peek`, `await fetch` and
 * `await get`, against a plain Map, lru-cache 11 `fetch` and cache-manager 7 `get` holding the same
 * entries. Every timed sample is a batch of 32 reads. Two rows without a target compare with the
 * floor of any promise-returning read (a bare `await` of a resolved promise beside a `Map.get`): how
 * close `fetch` comes to it, and the largest ratio to cache-manager that any such read could show in
 * this run.
 */
export default {
  id: 1,
  name: 'hit path, string keys',
  sizes: { full: { keys: 10_000 }, quick: { keys: 10_000 }, smoke: { keys: 1_000 } },
  async run({ sizes, rounds, timeMs }) {
    const { keys, values } = entries(sizes.keys);
    const map = new Map(keys.map((key, i) => [key, values[i]]));
    const { app, store, counter } = await startStoreApp({ bucket: 'bench-hit-path', source: missingSource });
    let peerLoads = 0;
    const lru = new LRUCache({ max: keys.length * 2, fetchMethod: async () => ++peerLoads });
    const manager = createCache();
    for (let i = 0; i < keys.length; i++) {
      store.set(keys[i], values[i]);
      lru.set(keys[i], values[i]);
      await manager.set(keys[i], values[i]);
    }
    const order = randomOrder(keys);
    const mask = order.length - 1;
    // Every task is its own function, as an app's call site is: a helper shared by the tasks would
    // make its call sites polymorphic and slow every task down alike. Each walks the same key
    // sequence with its own cursor.
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let e = 0;
    let f = 0;
    let g = 0;
    let h = 0;
    const resolved = Promise.resolve();
    const misses = sink.misses;
    const perRound = await runRounds(
      {
        'Map.get': () => {
          for (let i = 0; i < BATCH; i++) consume(map.get(order[(a + i) & mask]));
          a = (a + BATCH) & mask;
        },
        peek: () => {
          for (let i = 0; i < BATCH; i++) consume(store.peek(order[(b + i) & mask]));
          b = (b + BATCH) & mask;
        },
        'await Promise.resolve(map.get)': async () => {
          for (let i = 0; i < BATCH; i++) consume(await Promise.resolve(map.get(order[(c + i) & mask])));
          c = (c + BATCH) & mask;
        },
        // The floor of any read that returns a promise: one turn of the microtask queue, no lookup
        // result to wrap, nothing allocated.
        'await resolved promise + Map.get': async () => {
          for (let i = 0; i < BATCH; i++) {
            await resolved;
            consume(map.get(order[(h + i) & mask]));
          }
          h = (h + BATCH) & mask;
        },
        'await fetch': async () => {
          for (let i = 0; i < BATCH; i++) consume((await store.fetch(order[(d + i) & mask])).value);
          d = (d + BATCH) & mask;
        },
        'await get': async () => {
          for (let i = 0; i < BATCH; i++) consume(await store.get(order[(e + i) & mask]));
          e = (e + BATCH) & mask;
        },
        'await lru-cache fetch': async () => {
          for (let i = 0; i < BATCH; i++) consume(await lru.fetch(order[(f + i) & mask]));
          f = (f + BATCH) & mask;
        },
        'await cache-manager get': async () => {
          for (let i = 0; i < BATCH; i++) consume(await manager.get(order[(g + i) & mask]));
          g = (g + BATCH) & mask;
        },
      },
      { rounds, timeMs },
    );
    assertNoLoads(counter, 'workload 1');
    if (peerLoads !== 0 || sink.misses !== misses) throw new Error('workload 1: a read missed');
    await app.close();

    const ops = (name) => opsOf(perRound, name);
    const versus = (measure, name, baseline, target) =>
      row({
        measure,
        unit: 'ops/s',
        library: ops(name),
        baselineName: baseline,
        baseline: ops(baseline),
        ratio: ratioOf(perRound, name, baseline),
        target,
      });
    return [
      versus('peek', 'peek', 'Map.get', atLeast(0.85)),
      versus('await fetch', 'await fetch', 'await Promise.resolve(map.get)', atLeast(1.0)),
      versus('await fetch', 'await fetch', 'await lru-cache fetch', atLeast(1.5)),
      versus('await fetch', 'await fetch', 'await cache-manager get', atLeast(6)),
      versus('await get', 'await get', 'await Promise.resolve(map.get)'),
      versus('await fetch', 'await fetch', 'await resolved promise + Map.get'),
      versus('await resolved promise + Map.get', 'await resolved promise + Map.get', 'await cache-manager get'),
    ];
  },
};

/** Every key is cached before timing starts, so a load here is a bug in the measurement. */
function missingSource() {
  return { ok: false, error: 'not cached' };
}
