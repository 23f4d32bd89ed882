import { startEngine } from '../support/engine.js';
import { deferred, waitFor } from '../support/wait-for.js';

/** A bucket whose loads wait for the test to release them, answering `loaded <key>`. */
async function heldBucket() {
  const gate = deferred();
  const started: string[] = [];
  const { engine } = await startEngine<string, string>({
    load: async (key) => {
      started.push(key);
      await gate.promise;
      return { ok: true, value: `loaded ${key}` };
    },
  });
  return { engine, started, release: () => gate.resolve() };
}

describe('a write while a load of the key is in flight wins over the load', () => {
  it('set: the caller gets the loaded value, the bucket keeps the value set', async () => {
    const { engine, started, release } = await heldBucket();
    const read = engine.fetch('k');
    await waitFor(() => started.length === 1, 'the load to start');
    engine.set('k', 'set by the app');
    release();
    expect(await read).toEqual({ ok: true, value: 'loaded k', loaded: true });
    expect(engine.peek('k')).toBe('set by the app');
    await engine.close();
  });

  it('delete: the key stays deleted', async () => {
    const { engine, started, release } = await heldBucket();
    engine.set('k', 'old');
    const read = engine.fetch('k', { reload: true });
    await waitFor(() => started.length === 1, 'the load to start');
    expect(engine.delete('k')).toBe(true);
    release();
    expect(await read).toEqual({ ok: true, value: 'loaded k', loaded: true });
    expect(engine.has('k')).toBe(false);
    await engine.close();
  });

  it('clear: the bucket stays empty', async () => {
    const { engine, started, release } = await heldBucket();
    const reads = [engine.fetch('a'), engine.fetch('b')];
    await waitFor(() => started.length === 2, 'both loads to start');
    engine.clear();
    release();
    await Promise.all(reads);
    expect(engine.size).toBe(0);
    await engine.close();
  });

  it('a read after the write that joins the load stores its value', async () => {
    const { engine, started, release } = await heldBucket();
    const first = engine.fetch('k');
    await waitFor(() => started.length === 1, 'the load to start');
    engine.delete('k');
    const second = engine.fetch('k');
    release();
    await Promise.all([first, second]);
    expect(started).toEqual(['k']);
    expect(engine.peek('k')).toBe('loaded k');
    await engine.close();
  });

  it('set during a full refresh: the refresh keeps the value set and counts the key as skipped', async () => {
    const { engine, started, release } = await heldBucket();
    engine.set('changed', 'old');
    engine.set('untouched', 'old');
    const refresh = engine.fullRefresh();
    await waitFor(() => started.length === 2, 'both reloads to start');
    engine.set('changed', 'set during the refresh');
    release();
    expect(await refresh).toMatchObject({ refreshed: 1, skipped: 1, failed: 0 });
    expect(engine.peek('changed')).toBe('set during the refresh');
    expect(engine.peek('untouched')).toBe('loaded untouched');
    await engine.close();
  });
});
