import { startEngine } from '../support/engine.js';
import { deferred, waitFor } from '../support/wait-for.js';

/** A load that stays open until the test releases it, counting its calls. */
function heldLoad() {
  const gate = deferred();
  const calls: unknown[] = [];
  const load = async (key: unknown) => {
    calls.push(key);
    await gate.promise;
    return { ok: true as const, value: `value-${String(key)}` };
  };
  return { load, calls, release: () => gate.resolve() };
}

describe('single-flight loads', () => {
  it('100 concurrent fetches of a cold key call load once and all get the value', async () => {
    const held = heldLoad();
    const { engine } = await startEngine<string, string>({ load: held.load });

    const reads = Array.from({ length: 100 }, () => engine.fetch('cold'));
    await waitFor(() => held.calls.length === 1, 'the load to start');
    held.release();
    const results = await Promise.all(reads);

    expect(held.calls).toEqual(['cold']);
    expect(results).toEqual(Array.from({ length: 100 }, () => ({ ok: true, value: 'value-cold', loaded: true })));
    expect(engine.stats()).toMatchObject({ loads: 1, misses: 100 });
    expect(engine.peek('cold')).toBe('value-cold');
    await engine.close();
  });

  it('every sharer of a failed load gets its error', async () => {
    const gate = deferred();
    let calls = 0;
    const { engine } = await startEngine<string, string>({
      load: async () => {
        calls++;
        await gate.promise;
        return { ok: false, error: 'upstream 503' };
      },
    });
    const reads = [engine.fetch('k'), engine.fetchNoSave('k'), engine.fetch('k', { skipSave: true })];
    gate.resolve();
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 3 }, () => ({ ok: false, error: 'upstream 503' })));
    expect(calls).toBe(1);
    await engine.close();
  });

  it('equal object keys share one load', async () => {
    const held = heldLoad();
    const { engine } = await startEngine<object, string>({ load: held.load });
    const reads = [engine.fetch({ id: 1, kind: 'a' }), engine.fetch({ kind: 'a', id: 1 })];
    held.release();
    await Promise.all(reads);
    expect(held.calls).toHaveLength(1);
    await engine.close();
  });

  it('the loaded value is stored when at least one sharer wants it saved', async () => {
    const held = heldLoad();
    const { engine } = await startEngine<string, string>({ load: held.load });
    const reads = [
      engine.fetch('k', { skipSave: true }),
      engine.fetchNoSave('k'),
      engine.fetch('k'),
      engine.fetch('k', { skipSave: true }),
    ];
    held.release();
    await Promise.all(reads);
    expect(held.calls).toHaveLength(1);
    expect(engine.peek('k')).toBe('value-k');
    await engine.close();
  });

  it('the loaded value is not stored when every sharer asked not to save it', async () => {
    const held = heldLoad();
    const { engine } = await startEngine<string, string>({ load: held.load });
    const reads = [engine.fetch('k', { skipSave: true }), engine.fetchNoSave('k'), engine.fetch('k', { skipSave: true })];
    held.release();
    const results = await Promise.all(reads);
    expect(held.calls).toHaveLength(1);
    expect(results[1]).toEqual({ ok: true, value: 'value-k', loaded: true });
    expect(engine.has('k')).toBe(false);
    await engine.close();
  });

  it('a reload joins a load in flight instead of starting another', async () => {
    const held = heldLoad();
    const { engine } = await startEngine<string, string>({ load: held.load });
    const reads = [engine.fetch('k'), engine.fetch('k', { reload: true })];
    held.release();
    await Promise.all(reads);
    expect(held.calls).toHaveLength(1);
    await engine.close();
  });

  it('a caller with a short timeout stops waiting; the shared load goes on for the others', async () => {
    const held = heldLoad();
    const { engine } = await startEngine<string, string>({ load: held.load });
    const patient = engine.fetch('k');
    const hasty = await engine.fetch('k', { timeout: 20 });
    expect(hasty).toEqual({ ok: false, error: expect.stringMatching(/timed out after 20 ms/) });
    held.release();
    expect(await patient).toEqual({ ok: true, value: 'value-k', loaded: true });
    expect(engine.peek('k')).toBe('value-k');
    expect(held.calls).toHaveLength(1);
    await engine.close();
  });

  it('a load in flight stays shared and superseded while thousands of other loads come and go', async () => {
    const held = heldLoad();
    let quickLoads = 0;
    const { engine } = await startEngine<string, string>({
      load: (key) => {
        if (key === 'slow') return held.load(key);
        quickLoads++;
        return Promise.resolve({ ok: true as const, value: `quick-${key}` });
      },
    });
    const first = engine.fetch('slow');
    // Enough loads to start and end that the engine renews its table of loads in flight a few times.
    for (let i = 0; i < 3000; i++) await engine.fetch(`quick-${i}`);
    const second = engine.fetch('slow');
    engine.set('slow', 'written');
    held.release();

    expect(await Promise.all([first, second])).toEqual([
      { ok: true, value: 'value-slow', loaded: true },
      { ok: true, value: 'value-slow', loaded: true },
    ]);
    expect([held.calls, quickLoads]).toEqual([['slow'], 3000]);
    expect(engine.peek('slow')).toBe('written'); // the write won over the load it superseded
    await engine.close();
  });

  it('a key loads again once its load has settled', async () => {
    let calls = 0;
    const { engine } = await startEngine<string, number>({ load: async () => ({ ok: true, value: ++calls }) });
    expect(await engine.fetch('k', { skipSave: true })).toEqual({ ok: true, value: 1, loaded: true });
    expect(await engine.fetch('k', { skipSave: true })).toEqual({ ok: true, value: 2, loaded: true });
    await engine.close();
  });
});
