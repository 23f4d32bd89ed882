import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { keyOf, sleep } from '../support/data.mjs';
import { withLoopDelay } from '../support/loop-delay.mjs';
import { consume } from '../support/micro.mjs';
import { startStoreApp } from '../support/nest-app.mjs';
import { summarize } from '../support/stats.mjs';
import { atLeast, atMost, atMostAbsolute, row } from '../support/rows.mjs';

/**
 * Workload 4: a full refresh of `keys` cached keys whose `load` takes `loadMs`, with
 * `refreshConcurrency` = `concurrency`, against a plain loop running the same loads with the same
 * concurrency limit. Then `fetch` throughput of a reader while the refresh runs, against the same
 * reader on an idle bucket.
 */
export default {
  id: 4,
  name: 'full refresh',
  sizes: {
    full: { keys: 100_000, loadMs: 1, concurrency: 64, rounds: 3 },
    quick: { keys: 20_000, loadMs: 1, concurrency: 64, rounds: 2 },
    smoke: { keys: 500, loadMs: 1, concurrency: 64, rounds: 1 },
  },
  async run({ sizes }) {
    const { keys: count, loadMs, concurrency, rounds } = sizes;
    let version = 0;
    const source = async () => {
      await sleep(loadMs);
      return { ok: true, value: version };
    };
    const { app, store } = await startStoreApp({
      bucket: 'bench-refresh',
      source,
      settings: { refreshConcurrency: concurrency },
    });
    const keys = Array.from({ length: count }, (_, i) => keyOf(i));
    for (const key of keys) store.set(key, version);

    const library = async () => {
      version++;
      const measured = await withLoopDelay(() => store.fullRefresh());
      if (measured.result.refreshed !== count) throw new Error(`workload 4: refreshed ${measured.result.refreshed} of ${count}`);
      return measured;
    };
    const plain = async () => {
      const map = new Map();
      const measured = await withLoopDelay(() =>
        limited(keys, concurrency, async (key) => {
          const result = await source(key);
          map.set(key, result.value);
        }),
      );
      if (map.size !== count) throw new Error('workload 4: the plain loop missed keys');
      return measured;
    };
    const walls = { library: [], plain: [] };
    const ratios = [];
    const p99 = [];
    const maxDelay = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['library', 'plain'] : ['plain', 'library'];
      const wall = {};
      for (const side of order) {
        const measured = side === 'library' ? await library() : await plain();
        wall[side] = measured.wallMs;
        walls[side].push(measured.wallMs);
        if (side === 'library') {
          p99.push(measured.p99Ms);
          maxDelay.push(measured.maxMs);
        }
      }
      ratios.push(wall.library / wall.plain);
    }

    // Reader throughput: the same reader, idle and during a refresh, alternating.
    const readRatios = [];
    const idleOps = [];
    const busyOps = [];
    for (let round = 0; round < rounds; round++) {
      const idle = await reader(store, keys, () => sleep(Math.max(200, summarize(walls.library).median / 2)));
      const busy = await reader(store, keys, () => store.fullRefresh());
      idleOps.push(idle);
      busyOps.push(busy);
      readRatios.push(busy / idle);
    }
    await app.close();

    return [
      row({
        measure: `refresh of ${count} keys, wall`,
        unit: 'ms',
        library: summarize(walls.library).median,
        baselineName: `plain loop, ${concurrency} at a time`,
        baseline: summarize(walls.plain).median,
        ratio: summarize(ratios),
        target: atMost(1.1),
      }),
      row({
        measure: 'event-loop delay p99 during refresh',
        unit: 'ms',
        library: summarize(p99).median,
        target: atMostAbsolute(20),
        note: `max ${summarize(maxDelay).median.toFixed(1)} ms`,
      }),
      row({
        measure: 'fetch throughput during refresh',
        unit: 'ops/s',
        library: summarize(busyOps).median,
        baselineName: 'idle',
        baseline: summarize(idleOps).median,
        ratio: summarize(readRatios),
        target: atLeast(0.8),
      }),
    ];
  },
};

/** A plain concurrency-limited loop: `concurrency` workers taking the next item until none is left. */
async function limited(items, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Reads cached keys with `await fetch` until `during()` settles, yielding to the event loop every 256
 * reads as a request handler would; returns reads per second.
 */
async function reader(store, keys, during) {
  let done = false;
  let reads = 0;
  const started = performance.now();
  const background = during().then(() => (done = true));
  while (!done) {
    for (let i = 0; i < 256; i++) consume((await store.fetch(keys[(reads + i) % keys.length])).value);
    reads += 256;
    await nextMacrotask();
  }
  await background;
  return reads / ((performance.now() - started) / 1000);
}
