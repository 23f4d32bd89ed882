import { keyOf, sleep } from '../support/data.mjs';
import { startStoreApp } from '../support/nest-app.mjs';
import { summarize } from '../support/stats.mjs';
import { atMost, row } from '../support/rows.mjs';

/** Rounds run first and not counted: the first storms of a process run while V8 still compiles. */
const WARMUP_ROUNDS = 2;

/**
 * Workload 3: `reads` concurrent `fetch` calls over `keys` cold keys whose `load` takes `loadMs`.
 * Single flight must make exactly one load per key, and every read must settle within twice one
 * load's latency plus what the same storm of reads costs on a warm bucket (the hit-path cost).
 * Warm-up rounds run first, as tinybench warms up the micro-benchmarks. A second row, without a
 * target, sets the cold storm beside the same storm through a hand-rolled single flight.
 */
export default {
  id: 3,
  name: 'miss storm',
  sizes: {
    full: { reads: 100_000, keys: 1_000, loadMs: 5 },
    quick: { reads: 100_000, keys: 1_000, loadMs: 5 },
    smoke: { reads: 2_000, keys: 100, loadMs: 5 },
  },
  async run({ sizes, rounds }) {
    const { reads, keys, loadMs } = sizes;
    const source = async (key) => {
      await sleep(loadMs);
      return { ok: true, value: { key } };
    };
    const { app, store, counter } = await startStoreApp({ bucket: 'bench-miss-storm', source });
    /** Times `issue` (which starts every read of one storm) until every read has settled. */
    const timed = async (issue) => {
      const started = performance.now();
      const results = await Promise.all(issue());
      const ms = performance.now() - started;
      if (results.some((result) => !result.ok)) throw new Error('workload 3: a read failed');
      return ms;
    };
    // Each storm issues its reads in a loop of its own, so every read call site stays monomorphic.
    const storm = () =>
      timed(() => {
        const pending = new Array(reads);
        for (let i = 0; i < reads; i++) pending[i] = store.fetch(keyOf(i % keys));
        return pending;
      });

    // The textbook single flight, as a reference without a target: a Map of the load promises in
    // flight, every reader of a key given the same one.
    const plainValues = new Map();
    const plainFlights = new Map();
    const plainRead = (key) => {
      const value = plainValues.get(key);
      if (value !== undefined) return Promise.resolve({ ok: true, value });
      let flight = plainFlights.get(key);
      if (flight === undefined) {
        flight = source(key).then((result) => {
          plainFlights.delete(key);
          plainValues.set(key, result.value);
          return result;
        });
        plainFlights.set(key, flight);
      }
      return flight;
    };
    const plainStorm = () => {
      plainValues.clear();
      return timed(() => {
        const pending = new Array(reads);
        for (let i = 0; i < reads; i++) pending[i] = plainRead(keyOf(i % keys));
        return pending;
      });
    };

    const cold = [];
    const warm = [];
    const plain = [];
    const latency = [];
    const ratios = [];
    const versusPlain = [];
    for (let round = -WARMUP_ROUNDS; round < rounds; round++) {
      store.clear();
      const probeStarted = performance.now();
      await store.fetch(`probe-${round}`);
      const oneLoadMs = performance.now() - probeStarted;
      store.clear();
      counter.loads = 0;
      // Which single flight goes first alternates.
      let plainMs = round % 2 === 0 ? undefined : await plainStorm();
      const coldMs = await storm();
      if (counter.loads !== keys) throw new Error(`workload 3: ${counter.loads} load calls for ${keys} keys`);
      const warmMs = await storm();
      if (counter.loads !== keys) throw new Error('workload 3: a warm read loaded');
      plainMs ??= await plainStorm();
      if (round < 0) continue;
      latency.push(oneLoadMs);
      cold.push(coldMs);
      warm.push(warmMs);
      plain.push(plainMs);
      ratios.push(coldMs / (2 * oneLoadMs + warmMs));
      versusPlain.push(coldMs / plainMs);
    }
    await app.close();
    const oneLoad = summarize(latency).median;
    const hitCost = summarize(warm).median;
    return [
      row({
        measure: `${reads} reads over ${keys} cold keys, all settled`,
        unit: 'ms',
        library: summarize(cold).median,
        baselineName: `2 × one load (${oneLoad.toFixed(1)} ms) + same reads warm (${hitCost.toFixed(1)} ms)`,
        baseline: 2 * oneLoad + hitCost,
        ratio: summarize(ratios),
        target: atMost(1.0),
        note: `exactly ${keys} load calls`,
      }),
      row({
        measure: 'the same cold storm',
        unit: 'ms',
        library: summarize(cold).median,
        baselineName: 'a Map of the load promises in flight',
        baseline: summarize(plain).median,
        ratio: summarize(versusPlain),
      }),
    ];
  },
};
