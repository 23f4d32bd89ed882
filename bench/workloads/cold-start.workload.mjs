import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { entries } from '../support/data.mjs';
import { startStoreApp } from '../support/nest-app.mjs';
import { summarize } from '../support/stats.mjs';
import { row } from '../support/rows.mjs';
import { withTempDir } from '../support/temp-dir.mjs';

const BUCKET = 'bench-cold-start';

/**
 * Workload 7: the startup of a Nest application context whose store restores `entries` entries from
 * its dump: the time until `init()` resolved, with the bucket full. Shown beside reading the same
 * entries from JSON into a Map (no target: the issue asks to report it beside workload 5's read).
 */
export default {
  id: 7,
  name: 'cold start from a dump',
  sizes: {
    full: { entries: 1_000_000, rounds: 3 },
    quick: { entries: 100_000, rounds: 2 },
    smoke: { entries: 2_000, rounds: 1 },
  },
  run: ({ sizes }) => withTempDir((dir) => measureColdStart(dir, sizes)),
};

async function measureColdStart(dir, { entries: count, rounds }) {
  const file = join(dir, 'bench.dump');
  const jsonFile = join(dir, 'bench.json');
  const source = () => ({ ok: false, error: 'not used' });
  const settings = { file, dumpDelay: 3_600_000 };
  {
    const { keys, values } = entries(count);
    const { app, store } = await startStoreApp({ bucket: BUCKET, source, settings });
    for (let i = 0; i < count; i++) store.set(keys[i], values[i]);
    await app.close(); // writes the dump
    await writeFile(jsonFile, JSON.stringify(keys.map((key, i) => [key, values[i]])));
  }

  const boots = [];
  const jsonReads = [];
  for (let round = 0; round < rounds; round++) {
    const boot = async () => {
      const started = performance.now();
      const { app, store, counter } = await startStoreApp({ bucket: BUCKET, source, settings: { ...settings, file } });
      boots.push(performance.now() - started);
      if (store.size !== count || counter.loads !== 0) throw new Error('workload 7: the bucket did not start from the dump');
      await app.close();
    };
    const json = async () => {
      const started = performance.now();
      const map = new Map(JSON.parse(await readFile(jsonFile, 'utf8')));
      jsonReads.push(performance.now() - started);
      if (map.size !== count) throw new Error('workload 7: JSON incomplete');
    };
    if (round % 2 === 0) {
      await boot();
      await json();
    } else {
      await json();
      await boot();
    }
  }
  const boot = summarize(boots).median;
  const json = summarize(jsonReads).median;
  return [
    row({
      measure: `app context ready with ${count} entries from the dump`,
      unit: 'ms',
      library: boot,
      baselineName: 'readFile + JSON.parse + new Map',
      baseline: json,
      ratio: boot / json,
    }),
  ];
}
