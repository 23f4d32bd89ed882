import { countingLoad, startEngine } from '../support/engine.js';

describe('fetchNoSave', () => {
  it('returns a loaded value with loaded: true and stores nothing', async () => {
    const load = countingLoad<string>();
    const { engine } = await startEngine<string, string>({ load });

    expect(await engine.fetchNoSave('k')).toEqual({ ok: true, value: 'value-k', loaded: true });
    expect(engine.has('k')).toBe(false);
    expect(await engine.fetchNoSave('k')).toEqual({ ok: true, value: 'value-k', loaded: true });
    expect(load.calls).toEqual(['k', 'k']);
    await engine.close();
  });

  it('returns a cached value with loaded: false without loading', async () => {
    const load = countingLoad<string>();
    const { engine } = await startEngine<string, string>({ load });
    engine.set('k', 'cached');

    expect(await engine.fetchNoSave('k')).toEqual({ ok: true, value: 'cached', loaded: false });
    expect(load.calls).toEqual([]);
    await engine.close();
  });

  it('gives the error of a failed load', async () => {
    const { engine } = await startEngine<string, string>({ load: () => ({ ok: false, error: 'gone' }) });
    expect(await engine.fetchNoSave('k')).toEqual({ ok: false, error: 'gone' });
    await engine.close();
  });

  it('does not store the extra entries of a load either', async () => {
    const { engine } = await startEngine<string, string>({
      load: () => ({ ok: true, value: 'v', extra: { other: 'o' } }),
    });
    expect(await engine.fetchNoSave('k')).toEqual({ ok: true, value: 'v', loaded: true });
    expect(engine.size).toBe(0);
    await engine.close();
  });
});
