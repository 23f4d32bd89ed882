import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempDir } from './support/temp-dir.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const execFileAsync = promisify(execFile);

interface Row {
  measure: string;
  unit: string;
  library: number;
  baseline: number | null;
  ratio: { median: number; min: number; max: number } | null;
  met: boolean | null;
}
interface Report {
  mode: string;
  machine: { cpus: number; node: string };
  results: Array<{ id: number; name: string; rows: Row[]; error?: string }>;
}

/**
 * The benchmark's own smoke test: `npm run bench -- --smoke` runs every workload at tiny sizes
 * against the built library, so the bench can't rot. Nothing here looks at the figures' size
 * (speed belongs to `npm run bench`), only that every workload ran and reported well-formed rows.
 */
describe('bench (smoke run)', () => {
  it('runs every workload and writes the table and the JSON', async () => {
    if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('the bench runs the built library: npm run build first');
    const { dir, remove } = await makeTempDir('ncw-bench-smoke-');
    try {
      const out = join(dir, 'latest.json');
      const { stdout } = await execFileAsync(
        process.execPath,
        ['--expose-gc', join(root, 'bench', 'run.mjs'), '--smoke', `--out=${out}`],
        { cwd: root, env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 * 1024 * 1024 },
      );
      const report = JSON.parse(await readFile(out, 'utf8')) as Report;

      expect(report.mode).toBe('smoke');
      expect(report.machine.node).toBe(process.version);
      expect(report.results.map((result) => result.id)).toEqual(expect.arrayContaining([1, 2, 3, 4, 5, 6, 7]));
      for (const result of report.results) {
        expect({ workload: result.name, error: result.error }).toEqual({ workload: result.name, error: undefined });
        expect(result.rows.length).toBeGreaterThan(0);
        for (const row of result.rows) {
          expect(Number.isFinite(row.library)).toBe(true);
          if (row.ratio) expect([row.ratio.min, row.ratio.median, row.ratio.max].every(Number.isFinite)).toBe(true);
          expect([true, false, null]).toContain(row.met);
        }
      }
      expect(stdout).toContain('| # | workload | measure | this library | baseline | ratio (range) | target | met |');
      for (const result of report.results) expect(stdout).toContain(`| ${result.id} | ${result.name} |`);
      expect(stdout).toMatch(/targets met: \d+ of \d+/);
    } finally {
      await remove();
    }
  }, 180_000);
});
