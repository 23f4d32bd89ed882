import { measureInChild } from '../support/memory.mjs';
import { atMost, row } from '../support/rows.mjs';

/**
 * Workload 6: the memory (heap plus array buffers) a store needs for `entries` entries, against a plain Map of the same entries.
 * Keys and values exist before either is measured, so each figure is the structure's own cost (the
 * values' own size is left out of both). Each figure comes from a fresh process; the store is
 * measured as filled by `set`, and again after every entry was read once with `fetch` (reads must
 * not grow it), and as a bucket bounded by `maxEntries` equal to the count (its policy's own cost).
 */
export default {
  id: 6,
  name: 'memory',
  sizes: { full: { entries: 1_000_000 }, quick: { entries: 100_000 }, smoke: { entries: 2_000 } },
  async run({ sizes }) {
    const count = String(sizes.entries);
    const map = await measureInChild(['map', count]);
    const store = await measureInChild(['store', count]);
    const read = await measureInChild(['store-read', count]);
    const bounded = await measureInChild(['store-bounded', count]);
    for (const figure of [map, store, read, bounded]) {
      if (figure.size !== sizes.entries) throw new Error(`workload 6: ${figure.size} entries instead of ${sizes.entries}`);
    }
    const versusMap = (measure, bytes) =>
      row({
        measure,
        unit: 'bytes',
        library: bytes,
        baselineName: 'Map',
        baseline: map.bytes,
        ratio: bytes / map.bytes,
        target: atMost(1.5),
      });
    return [
      versusMap(`memory (heap + array buffers) for ${sizes.entries} entries`, store.bytes),
      versusMap('same, after every entry was fetched once', read.bytes),
      versusMap(`memory (heap + array buffers) for ${sizes.entries} entries, maxEntries ${sizes.entries}`, bounded.bytes),
    ];
  },
};
