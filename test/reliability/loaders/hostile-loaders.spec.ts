import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

interface Seen {
  probeSeen: boolean;
  cases: Record<string, { fetch: unknown; get: unknown; fetchNoSave: unknown; unchanged: boolean }>;
  after: { keys: string[]; kept: string; loadErrors: number };
  good: unknown;
  unhandled: string[];
  hostile: number;
}

/**
 * The loads run in a child process (a Nest app built on the compiled package): there a process
 * listener is the only one to hear unhandled rejections, where jest would take them for its own.
 */
describe('hostile loaders', () => {
  let seen: Seen;
  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(import.meta.dirname, 'hostile-loaders.child.mjs')], {
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    seen = JSON.parse(stdout) as Seen;
  });

  it('the unhandled rejection listener works (so the zero below means something)', () => {
    expect(seen.probeSeen).toBe(true);
  });

  it('covers every hostile load', () => {
    expect(Object.keys(seen.cases)).toHaveLength(seen.hostile);
    expect(seen.hostile).toBeGreaterThanOrEqual(20);
  });

  it('each: the caller gets { ok: false, error } from fetch, the default from get, and the bucket is unchanged', () => {
    for (const [key, result] of Object.entries(seen.cases)) {
      expect([key, result]).toEqual([
        key,
        {
          fetch: { ok: false, error: expect.stringMatching(/./) },
          get: 'the default',
          fetchNoSave: { ok: false, error: expect.stringMatching(/./) },
          unchanged: true,
        },
      ]);
    }
  });

  it('a never-settling load times out, a late value is dropped, a rejection after abort is handled', () => {
    expect(seen.cases['never settles'].fetch).toEqual({ ok: false, error: 'load timed out after 150 ms' });
    expect(seen.cases['settles after its timeout'].fetch).toEqual({ ok: false, error: 'load timed out after 150 ms' });
    expect(seen.after.keys.sort()).toEqual(['kept', 'loaded']);
    expect(seen.after.kept).toBe('a value stored before');
  });

  it('no rejection was left unhandled, every failure was counted, and good loads still work', () => {
    expect(seen.unhandled).toEqual([]);
    expect(seen.after.loadErrors).toBe(seen.hostile * 3);
    expect(seen.good).toEqual({ ok: true, value: 'good fine', loaded: true });
  });
});
