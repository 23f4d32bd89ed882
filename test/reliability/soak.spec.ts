import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The soak run of `npm run soak` (20 s), bounded to 3 s: its own process, for `--expose-gc` and a
 * heap that holds nothing of jest's.
 */
describe('soak (3 s)', () => {
  it('keeps the heap flat and every invariant under reads, refreshes, failing loads and dumps', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', join(import.meta.dirname, 'soak.mjs'), '3000'],
      { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000, maxBuffer: 1 << 20 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as { failed: string[]; broken: unknown[]; unhandled: unknown[]; errors: unknown[]; heapGrowthPercent: number };
    expect(report.broken).toEqual([]);
    expect(report.unhandled).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(Math.abs(report.heapGrowthPercent)).toBeLessThanOrEqual(10);
    expect(report.failed).toEqual([]);
  }, 130_000);
});
