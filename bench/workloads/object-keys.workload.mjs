import { BATCH, consume, opsOf, randomOrder, ratioOf, runRounds, sink } from '../support/micro.mjs';
import { assertNoLoads, startStoreApp } from '../support/nest-app.mjs';
import { keyOf, valueOf } from '../support/data.mjs';
import { atLeast, row } from '../support/rows.mjs';

/**
 * Workload 2: `await fetch` with object keys `{ tenant, id }` compared by value. Every read uses a
 * fresh-looking key object (equal to, but not the same object as, the stored one), as an app that
 * builds its key per request does. Compared in the same rounds with workload 1's string-key fetch,
 * and shown beside a Map keyed by `JSON.stringify(key)` built per read.
 */
export default {
  id: 2,
  name: 'hit path, object keys',
  sizes: { full: { keys: 10_000 }, quick: { keys: 10_000 }, smoke: { keys: 1_000 } },
  async run({ sizes, rounds, timeMs }) {
    const objectKeys = [];
    const stringKeys = [];
    for (let i = 0; i < sizes.keys; i++) {
      objectKeys.push({ tenant: `tenant-${i % 50}`, id: i });
      stringKeys.push(keyOf(i));
    }
    const source = () => ({ ok: false, error: 'not cached' });
    const objects = await startStoreApp({ bucket: 'bench-object-keys', source });
    const strings = await startStoreApp({ bucket: 'bench-string-keys', source });
    const json = new Map();
    for (let i = 0; i < sizes.keys; i++) {
      objects.store.set(objectKeys[i], valueOf(i));
      strings.store.set(stringKeys[i], valueOf(i));
      json.set(JSON.stringify(objectKeys[i]), valueOf(i));
    }
    // Copies, so no read finds the stored key object by identity.
    const objectOrder = randomOrder(objectKeys).map((key) => ({ ...key }));
    const stringOrder = randomOrder(stringKeys);
    const mask = objectOrder.length - 1;
    // One function per task, so no call site is shared (and made polymorphic) by the tasks.
    let a = 0;
    let b = 0;
    let c = 0;
    const misses = sink.misses;
    const perRound = await runRounds(
      {
        'fetch, object key': async () => {
          for (let i = 0; i < BATCH; i++) consume((await objects.store.fetch(objectOrder[(a + i) & mask])).value);
          a = (a + BATCH) & mask;
        },
        'fetch, string key': async () => {
          for (let i = 0; i < BATCH; i++) consume((await strings.store.fetch(stringOrder[(b + i) & mask])).value);
          b = (b + BATCH) & mask;
        },
        'Map keyed by JSON.stringify': async () => {
          for (let i = 0; i < BATCH; i++) consume(await Promise.resolve(json.get(JSON.stringify(objectOrder[(c + i) & mask]))));
          c = (c + BATCH) & mask;
        },
      },
      { rounds, timeMs },
    );
    assertNoLoads(objects.counter, 'workload 2');
    assertNoLoads(strings.counter, 'workload 2');
    if (sink.misses !== misses) throw new Error('workload 2: a read missed');
    await objects.app.close();
    await strings.app.close();

    const versus = (baseline, target) =>
      row({
        measure: 'await fetch, object key',
        unit: 'ops/s',
        library: opsOf(perRound, 'fetch, object key'),
        baselineName: baseline,
        baseline: opsOf(perRound, baseline),
        ratio: ratioOf(perRound, 'fetch, object key', baseline),
        target,
      });
    return [versus('fetch, string key', atLeast(0.33)), versus('Map keyed by JSON.stringify')];
  },
};
