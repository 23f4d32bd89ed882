import { countingLoad, startEngine } from '../support/engine.js';

describe('fetch tells whether load ran for the call (loaded)', () => {
  it('false for a hit, true for a miss, a reader that joined the load, and a reload; absent on an error', async () => {
    let release!: () => void;
    const { engine } = await startEngine<string, string>({
      load: async (key) => {
        if (key === 'slow') await new Promise<void>((resolve) => (release = resolve));
        return key === 'missing' ? { ok: false, error: 'no such key' } : { ok: true, value: `value-${key}` };
      },
    });
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'value-a', loaded: true });
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'value-a', loaded: false });
    expect(await engine.fetch('a', { reload: true })).toEqual({ ok: true, value: 'value-a', loaded: true });

    const first = engine.fetch('slow');
    const joined = engine.fetch('slow', { timeout: 1_000 });
    release();
    expect(await Promise.all([first, joined])).toEqual([
      { ok: true, value: 'value-slow', loaded: true },
      { ok: true, value: 'value-slow', loaded: true },
    ]);
    expect(await engine.fetch('missing')).toEqual({ ok: false, error: 'no such key' });
    await engine.close();
  });

  it('a hit after set is not loaded', async () => {
    const load = countingLoad<string>();
    const { engine } = await startEngine<string, string>({ load });
    engine.set('k', 'set');
    expect(await engine.fetch('k')).toEqual({ ok: true, value: 'set', loaded: false });
    expect(load.calls).toEqual([]);
    await engine.close();
  });
});
