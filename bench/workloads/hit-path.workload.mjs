import { createCache } from 'cache-manager';
import { LRUCache } from 'lru-cache';
import { entries } from '../support/data.mjs';
import { BATCH, consume, opsOf, randomOrder, ratioOf, runRounds, sink } from '../support/micro.mjs';
import { assertNoLoads, startStoreApp } from '../support/nest-app.mjs';
import { atLeast, row } from '../support/rows.mjs';

/**
 * Workload 1: reads of cached string keys in random order through `peek`, `await fetch` and
 * `await get`, against a plain Map, lru-cache 11 `fetch` and cache-manager 7 `get` holding the same
 * entries. Every timed sample is a batch of 32 reads.
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
    // Each task walks the same key sequence with its own cursor.
    const sync = (read) => {
      let at = 0;
      return () => {
        for (let i = 0; i < BATCH; i++) consume(read(order[(at + i) & mask]));
        at = (at + BATCH) & mask;
      };
    };
    // One await per read, as the app would write it; `pick` takes the value out of a fetch result.
    const async = (read, pick = (result) => result) => {
      let at = 0;
      return async () => {
        for (let i = 0; i < BATCH; i++) consume(pick(await read(order[(at + i) & mask])));
        at = (at + BATCH) & mask;
      };
    };
    const valueOfResult = (result) => result.value;
    const misses = sink.misses;
    const perRound = await runRounds(
      {
        'Map.get': sync((key) => map.get(key)),
        peek: sync((key) => store.peek(key)),
        'await Promise.resolve(map.get)': async((key) => Promise.resolve(map.get(key))),
        'await fetch': async((key) => store.fetch(key), valueOfResult),
        'await get': async((key) => store.get(key)),
        'await lru-cache fetch': async((key) => lru.fetch(key)),
        'await cache-manager get': async((key) => manager.get(key)),
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
    ];
  },
};

/** Every key is cached before timing starts, so a load here is a bug in the measurement. */
function missingSource() {
  return { ok: false, error: 'not cached' };
}
