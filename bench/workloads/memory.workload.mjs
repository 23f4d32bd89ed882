import { entries } from '../support/data.mjs';
import { settledHeap } from '../support/memory.mjs';
import { startStoreApp } from '../support/nest-app.mjs';
import { atMost, row } from '../support/rows.mjs';

/**
 * Workload 6: the heap a store needs for `entries` entries, against a plain Map of the same entries.
 * Keys and values exist before either is measured, so each figure is the structure's own cost (the
 * values' own size is left out of both). The store is measured as filled by `set`, and again after
 * every entry was read once with `fetch` (reads must not grow it).
 */
export default {
  id: 6,
  name: 'memory',
  sizes: { full: { entries: 1_000_000 }, quick: { entries: 100_000 }, smoke: { entries: 2_000 } },
  async run({ sizes }) {
    const { keys, values } = entries(sizes.entries);
    const { app, store } = await startStoreApp({ bucket: 'bench-memory', source: () => ({ ok: false, error: 'none' }) });

    let before = settledHeap();
    let map = new Map();
    for (let i = 0; i < keys.length; i++) map.set(keys[i], values[i]);
    const mapBytes = settledHeap() - before;
    if (map.size !== keys.length) throw new Error('workload 6: map incomplete');
    map = null;

    before = settledHeap();
    for (let i = 0; i < keys.length; i++) store.set(keys[i], values[i]);
    const storeBytes = settledHeap() - before;
    for (let i = 0; i < keys.length; i++) await store.fetch(keys[i]);
    const readBytes = settledHeap() - before;
    if (store.size !== keys.length) throw new Error('workload 6: store incomplete');
    await app.close();

    const versusMap = (measure, bytes) =>
      row({
        measure,
        unit: 'bytes',
        library: bytes,
        baselineName: 'Map',
        baseline: mapBytes,
        ratio: bytes / mapBytes,
        target: atMost(1.5),
      });
    return [
      versusMap(`heap for ${keys.length} entries`, storeBytes),
      versusMap('same, after every entry was fetched once', readBytes),
    ];
  },
};
