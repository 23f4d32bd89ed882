import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// The dump reader is internal; the bench times it from the built library to separate reading the
// file from filling the bucket (workload 7 times the whole startup).
import { readDumpFile } from '../../dist/store/persistence/dump-file.js';
import { entries } from '../support/data.mjs';
import { withLoopDelay } from '../support/loop-delay.mjs';
import { settledHeap } from '../support/memory.mjs';
import { startStoreApp } from '../support/nest-app.mjs';
import { summarize } from '../support/stats.mjs';
import { atMost, atMostAbsolute, row } from '../support/rows.mjs';
import { withTempDir } from '../support/temp-dir.mjs';

const BUCKET = 'bench-dump';

/**
 * Workload 5: writing and reading a dump of `entries` entries (string key → small object with a
 * string array), against `JSON.stringify` + `writeFile` and `readFile` + `JSON.parse` of the same
 * entries as `[key, value]` pairs, with the event loop's delay during each write.
 */
export default {
  id: 5,
  name: 'dump write and read',
  sizes: {
    full: { entries: 1_000_000, rounds: 3 },
    quick: { entries: 100_000, rounds: 2 },
    smoke: { entries: 2_000, rounds: 1 },
  },
  run: ({ sizes }) => withTempDir((dir) => measureDumps(dir, sizes)),
};

async function measureDumps(dir, { entries: count, rounds }) {
  const file = join(dir, 'bench.dump');
  const jsonFile = join(dir, 'bench.json');
  const { keys, values } = entries(count);
  const { app, store } = await startStoreApp({
    bucket: BUCKET,
    source: () => ({ ok: false, error: 'not used' }),
    settings: { file, dumpDelay: 3_600_000 },
  });
  for (let i = 0; i < count; i++) store.set(keys[i], values[i]);
  const map = new Map(keys.map((key, i) => [key, values[i]]));

  const sides = {
    write: async () => {
      const measured = await withLoopDelay(() => store.dump());
      if (!measured.result.ok || measured.result.entries !== count) throw new Error('workload 5: the dump failed');
      return measured;
    },
    jsonWrite: () => withLoopDelay(() => writeFile(jsonFile, JSON.stringify(Array.from(map)))),
    read: async () => {
      const measured = await withLoopDelay(() => readDumpFile(file, BUCKET));
      return measured;
    },
    jsonRead: () => withLoopDelay(async () => JSON.parse(await readFile(jsonFile, 'utf8'))),
  };
  const figures = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // Each write precedes its read; which format goes first alternates.
    const order = round % 2 === 0 ? ['write', 'jsonWrite', 'read', 'jsonRead'] : ['jsonWrite', 'write', 'jsonRead', 'read'];
    for (const name of order) {
      // Collect the garbage the previous side left (a million decoded entries), so that each side is
      // timed with its own collections only, whichever ran before it.
      await settledHeap();
      figures[name].push(await sides[name]());
    }
  }
  await app.close();

  const wall = (name) => figures[name].map((m) => m.wallMs);
  const ratio = (a, b) => summarize(wall(a).map((ms, i) => ms / wall(b)[i]));
  const median = (values) => summarize(values).median;
  const dumpBytes = (await stat(file)).size;
  const jsonBytes = (await stat(jsonFile)).size;
  return [
    row({
      measure: `write ${count} entries`,
      unit: 'ms',
      library: median(wall('write')),
      baselineName: 'JSON.stringify + writeFile',
      baseline: median(wall('jsonWrite')),
      ratio: ratio('write', 'jsonWrite'),
      target: atMost(1.0),
    }),
    row({
      measure: 'max event-loop delay during the write',
      unit: 'ms',
      library: median(figures.write.map((m) => m.maxMs)),
      baselineName: 'JSON.stringify + writeFile',
      baseline: median(figures.jsonWrite.map((m) => m.maxMs)),
      target: atMostAbsolute(50),
    }),
    row({
      measure: `read ${count} entries`,
      unit: 'ms',
      library: median(wall('read')),
      baselineName: 'readFile + JSON.parse',
      baseline: median(wall('jsonRead')),
      ratio: ratio('read', 'jsonRead'),
      target: atMost(1.0),
    }),
    row({
      measure: 'file size',
      unit: 'bytes',
      library: dumpBytes,
      baselineName: 'JSON',
      baseline: jsonBytes,
      ratio: dumpBytes / jsonBytes,
      target: atMost(1.0),
    }),
  ];
}
