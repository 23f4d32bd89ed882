import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { readDumpFile } from '../../../lib/store/persistence/dump-file.js';
import { startEngine } from '../../support/engine.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { sleep } from '../../support/wait-for.js';

const KILLS = 200;
const LANES = 4;
const ENTRIES = 3000; // as in dump-writer.child.mjs
const WRITER = join(import.meta.dirname, 'dump-writer.child.mjs');

/** The version a dump holds when it is exactly that version as the writer made it, else null. */
function versionOf(flat: unknown[]): number | null {
  if (flat.length !== ENTRIES * 2) return null;
  const version = (flat[1] as { v: number }).v;
  for (let i = 0; i < ENTRIES; i++) {
    const value = flat[2 * i + 1] as { v: number; i: number };
    if (flat[2 * i] !== `key-${i}` || value.v !== version || value.i !== i || Object.keys(value).length !== 2) return null;
  }
  return version;
}

const tempFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.includes('.tmp-'));

/**
 * One lane of the test: writers of one dump file, spawned and killed one after the other. Returns
 * how many kills left a temporary file behind (a kill in the middle of a write).
 */
async function killWriters(file: string, kills: number, lane: number): Promise<number> {
  const dir = dirname(file);
  let confirmed = 0; // the newest version a writer reported as renamed into place
  let leftTemps = 0;
  for (let round = 0; round < kills; round++) {
    const first = (lane * kills + round + 1) * 1_000_000; // each writer has versions of its own
    const child = spawn(process.execPath, [WRITER, file, String(first)], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let reported = first - 1;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => (reported = Math.max(reported, Number(line))));
    // Kill it while it writes: once its first dump is in place, after a random few milliseconds.
    await once(lines, 'line');
    await sleep(Math.random() * 25);
    child.kill('SIGKILL');
    const [, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');

    const version = versionOf((await readDumpFile(file, 'crash')).flat);
    // The last version reported, or the one in flight whose rename landed just before the kill.
    expect([reported, reported + 1]).toContain(version);
    expect(version).toBeGreaterThan(confirmed);
    confirmed = reported;
    // Each writer removed at its start the temporary files of those killed before it.
    const temps = await tempFiles(dir);
    expect(temps.length).toBeLessThanOrEqual(1);
    leftTemps += temps.length;
  }
  return leftTemps;
}

describe('crash safety of dumps', () => {
  it(`leaves a whole dump of a version that was written, across ${KILLS} SIGKILLs at random moments`, async () => {
    const { dir, remove } = await makeTempDir();
    const files = await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        await mkdir(join(dir, `lane-${lane}`));
        return join(dir, `lane-${lane}`, 'crash.dump');
      }),
    );
    const leftTemps = await Promise.all(files.map((file, lane) => killWriters(file, KILLS / LANES, lane)));
    // Kills did land in the middle of writes (else this test would prove nothing).
    expect(leftTemps.reduce((a, b) => a + b)).toBeGreaterThan(KILLS / 10);

    for (const file of files) {
      const { engine } = await startEngine({ load: () => ({ ok: false, error: 'not used' }) }, { bucket: 'crash', file });
      expect(await tempFiles(dirname(file))).toEqual([]);
      expect(engine.stats().startedFrom).toBe('dump');
      expect(engine.size).toBe(ENTRIES);
      await engine.close();
    }
    await remove();
  }, 180_000);
});
