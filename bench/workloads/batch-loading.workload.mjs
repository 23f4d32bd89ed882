import { keyOf, sleep } from '../support/data.mjs';
import { BATCH, consume, opsOf, ratioOf, runRounds } from '../support/micro.mjs';
import { startStoreApp } from '../support/nest-app.mjs';
import { summarize } from '../support/stats.mjs';
import { atLeast, atMost, atMostAbsolute, row } from '../support/rows.mjs';

/** What one call of the source costs: a round trip, plus a little per key it answers. */
const CALL_MS = 1;
const PER_KEY_MS = 0.01;
/** Keys of one `fetchMany` (and awaited `fetch` calls on the other side). */
const PAGE = 100;

/**
 * Workload 10: batch loading. A source whose call costs 1 ms plus 10 µs per key, behind two stores
 * with the default `batchSize` and `refreshConcurrency`: one with `loadMany`, one with `load` only.
 * A full refresh of `keys` cached keys (source calls and wall), `coldKeys` distinct cold keys read in
 * one event-loop turn (source calls and the time until every read settled), and `fetchMany` of 100
 * hits against 100 awaited `fetch` hits.
 */
export default {
  id: 10,
  name: 'batch loading',
  sizes: {
    full: { keys: 100_000, coldKeys: 10_000, rounds: 3 },
    quick: { keys: 20_000, coldKeys: 10_000, rounds: 2 },
    smoke: { keys: 500, coldKeys: 200, rounds: 1 },
  },
  async run({ sizes, rounds: microRounds, timeMs }) {
    const { keys: count, coldKeys, rounds } = sizes;
    let version = 0;
    const source = async () => {
      await sleep(CALL_MS + PER_KEY_MS);
      return { ok: true, value: version };
    };
    const bulkSource = async (keys) => {
      await sleep(CALL_MS + PER_KEY_MS * keys.length);
      return keys.map(() => ({ ok: true, value: version }));
    };
    const bulk = await startStoreApp({ bucket: 'bench-batch-bulk', source, bulkSource });
    const single = await startStoreApp({ bucket: 'bench-batch-single', source });
    const { batchSize } = bulk.store.config;
    const keys = Array.from({ length: count }, (_, i) => keyOf(i));

    // Full refresh, the two stores alternating which goes first.
    for (const { store } of [bulk, single]) for (const key of keys) store.set(key, version);
    const refreshOf = async ({ store, counter }) => {
      version++;
      counter.loads = counter.batches = 0;
      const started = performance.now();
      const result = await store.fullRefresh();
      const wallMs = performance.now() - started;
      if (result.refreshed !== count) throw new Error(`workload 10: refreshed ${result.refreshed} of ${count}`);
      return { wallMs, calls: counter.loads + counter.batches };
    };
    const refresh = { bulk: [], single: [], calls: [], ratios: [] };
    for (let round = 0; round < rounds; round++) {
      const first = round % 2 === 0 ? await refreshOf(bulk) : undefined;
      const other = await refreshOf(single);
      const own = first ?? (await refreshOf(bulk));
      refresh.bulk.push(own.wallMs);
      refresh.single.push(other.wallMs);
      refresh.calls.push(own.calls);
      refresh.ratios.push(own.wallMs / other.wallMs);
    }

    // Cold keys read in one turn: every read issued in one loop, then all awaited.
    const coldStorm = async ({ store, counter }, round) => {
      store.clear();
      counter.loads = counter.batches = 0;
      const started = performance.now();
      const pending = new Array(coldKeys);
      for (let i = 0; i < coldKeys; i++) pending[i] = store.fetch(`cold-${round}-${i}`);
      const results = await Promise.all(pending);
      const ms = performance.now() - started;
      if (results.some((result) => !result.ok)) throw new Error('workload 10: a cold read failed');
      return { ms, calls: counter.loads + counter.batches };
    };
    const cold = { bulk: [], single: [], calls: [], ratios: [] };
    for (let round = 0; round < rounds; round++) {
      const first = round % 2 === 0 ? await coldStorm(bulk, round) : undefined;
      const other = await coldStorm(single, round);
      const own = first ?? (await coldStorm(bulk, round));
      cold.bulk.push(own.ms);
      cold.single.push(other.ms);
      cold.calls.push(own.calls);
      cold.ratios.push(own.ms / other.ms);
    }

    // fetchMany of hits against as many awaited fetch hits: each task reads one page of 100 keys.
    const store = bulk.store;
    const pages = Array.from({ length: 64 }, (_, p) => keys.slice((p * PAGE) % (count - PAGE), ((p * PAGE) % (count - PAGE)) + PAGE));
    for (const page of pages) for (const key of page) store.set(key, version);
    let a = 0;
    let b = 0;
    bulk.counter.loads = bulk.counter.batches = 0;
    const perRound = await runRounds(
      {
        'fetchMany of 100 hits': async () => {
          const results = await store.fetchMany(pages[a++ & 63]);
          for (let i = 0; i < results.length; i++) consume(results[i].value);
        },
        '100 awaited fetch hits': async () => {
          const page = pages[b++ & 63];
          for (let i = 0; i < page.length; i++) consume((await store.fetch(page[i])).value);
        },
      },
      { rounds: microRounds, timeMs },
    );
    if (bulk.counter.loads + bulk.counter.batches !== 0) throw new Error('workload 10: a hit-path read loaded');
    await bulk.app.close();
    await single.app.close();

    // A timed sample is one page: the runner counts samples as 32 operations, so reads are 100 / 32 of them.
    const readsOf = (name) => (opsOf(perRound, name) * PAGE) / BATCH;
    return [
      row({
        measure: `refresh of ${count} keys, source calls`,
        unit: 'count',
        library: summarize(refresh.calls).median,
        target: atMostAbsolute(Math.ceil(count / batchSize)),
        note: `batchSize ${batchSize}`,
      }),
      row({
        measure: `refresh of ${count} keys, wall`,
        unit: 'ms',
        library: summarize(refresh.bulk).median,
        baselineName: 'the same refresh with load only',
        baseline: summarize(refresh.single).median,
        ratio: summarize(refresh.ratios),
        target: atMost(0.1),
      }),
      row({
        measure: `${coldKeys} cold keys read in one turn, loadMany calls`,
        unit: 'count',
        library: summarize(cold.calls).median,
        target: atMostAbsolute(Math.ceil(coldKeys / batchSize)),
      }),
      row({
        measure: `${coldKeys} cold keys read in one turn, all settled`,
        unit: 'ms',
        library: summarize(cold.bulk).median,
        baselineName: `the same reads with load only (${coldKeys} calls)`,
        baseline: summarize(cold.single).median,
        ratio: summarize(cold.ratios),
      }),
      row({
        measure: 'fetchMany of 100 hits',
        unit: 'ops/s',
        library: readsOf('fetchMany of 100 hits'),
        baselineName: '100 awaited fetch hits',
        baseline: readsOf('100 awaited fetch hits'),
        ratio: ratioOf(perRound, 'fetchMany of 100 hits', '100 awaited fetch hits'),
        target: atLeast(1.0),
        note: 'reads/s',
      }),
    ];
  },
};
