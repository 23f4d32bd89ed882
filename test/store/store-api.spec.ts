import { CacheWorkerStore, DEFAULT_SETTINGS, type LoadResult } from '../../lib/index.js';
import { engineOf } from '../../lib/store/cache-worker.store.js';
import { countingLoad, startEngine, startStore } from '../support/engine.js';

class UpperStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return key === 'bad' ? { ok: false, error: 'no such widget' } : { ok: true, value: key.toUpperCase() };
  }
}

describe('store API: get, fetch and the bucket operations', () => {
  it('serves the init seed and loads what is missing (basic get/fetch)', async () => {
    const load = countingLoad<string>();
    const { engine } = await startEngine<string, string>({
      load,
      init: () => ({ ok: true, seed: { a: 'seeded a', b: 'seeded b' } }),
    });

    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'seeded a', loaded: false });
    expect(await engine.fetch('c')).toEqual({ ok: true, value: 'value-c', loaded: true });
    expect(await engine.fetch('c')).toEqual({ ok: true, value: 'value-c', loaded: false });
    expect(load.calls).toEqual(['c']);
    expect(engine.keys()).toEqual(['a', 'b', 'c']);
    expect(engine.size).toBe(3);
    expect(engine.stats()).toMatchObject({ hits: 2, misses: 1, loads: 1, loadErrors: 0, size: 3, startedFrom: 'init' });
    await engine.close();
  });

  it('get returns the value, undefined, or the default, and never rejects', async () => {
    const store = await startStore(new UpperStore());

    expect(await store.get('x')).toBe('X');
    expect(await store.get('bad')).toBeUndefined();
    expect(await store.get('bad', { default: 'fallback' })).toBe('fallback');
    expect(await store.get('y', { default: 'fallback' })).toBe('Y');
    expect(await store.fetch('bad')).toEqual({ ok: false, error: 'no such widget' });
    expect(store.keys()).toEqual(['x', 'y']);
    await engineOf(store).close();
  });

  it('peek never loads; set, has, delete, keys, size and clear act on the bucket', async () => {
    const load = countingLoad<string>();
    const { engine } = await startEngine<string, string>({ load });

    expect(engine.peek('a')).toBeUndefined();
    expect(load.calls).toEqual([]);
    engine.set('a', 'A');
    engine.set('b', 'B');
    expect(engine.peek('a')).toBe('A');
    expect(engine.has('a')).toBe(true);
    expect(engine.has('z')).toBe(false);
    expect(engine.keys()).toEqual(['a', 'b']);
    expect(engine.size).toBe(2);
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'A', loaded: false });

    expect(engine.delete('a')).toBe(true);
    expect(engine.delete('a')).toBe(false);
    expect(engine.has('a')).toBe(false);
    expect(engine.keys()).toEqual(['b']);

    engine.clear();
    expect(engine.size).toBe(0);
    expect(engine.keys()).toEqual([]);
    expect(load.calls).toEqual([]);
    await engine.close();
  });

  it('stores values as given, undefined included, without copying', async () => {
    const { engine } = await startEngine<string, unknown>({ load: () => ({ ok: true, value: undefined }) });
    const value = { nested: { list: [1, 2] } };
    engine.set('object', value);
    expect(engine.peek('object')).toBe(value);
    const fetched = await engine.fetch('object');
    expect(fetched.ok && fetched.value).toBe(value);

    expect(await engine.fetch('nothing')).toEqual({ ok: true, value: undefined, loaded: true });
    expect(engine.has('nothing')).toBe(true);
    expect(await engine.fetch('nothing')).toEqual({ ok: true, value: undefined, loaded: false });
    expect(engine.stats().loads).toBe(1);
    await engine.close();
  });

  it('skipSave returns a loaded value without storing it', async () => {
    const load = countingLoad<string>();
    const { engine } = await startEngine<string, string>({ load });

    expect(await engine.fetch('k', { skipSave: true })).toEqual({ ok: true, value: 'value-k', loaded: true });
    expect(engine.has('k')).toBe(false);
    expect(await engine.fetch('k', { skipSave: true })).toEqual({ ok: true, value: 'value-k', loaded: true });
    expect(load.calls).toEqual(['k', 'k']);
    await engine.close();
  });

  it('reload ignores the cached value, loads and stores the new one', async () => {
    let version = 0;
    const { engine } = await startEngine<string, string>({ load: (key) => ({ ok: true, value: `${key}@${++version}` }) });

    expect(await engine.fetch('k')).toEqual({ ok: true, value: 'k@1', loaded: true });
    expect(await engine.fetch('k')).toEqual({ ok: true, value: 'k@1', loaded: false });
    expect(await engine.fetch('k', { reload: true })).toEqual({ ok: true, value: 'k@2', loaded: true });
    expect(engine.peek('k')).toBe('k@2');
    expect(await engine.fetchNoSave('k', { reload: true })).toEqual({ ok: true, value: 'k@3', loaded: true });
    expect(engine.peek('k')).toBe('k@2');
    await engine.close();
  });

  it('a failed reload keeps the cached value', async () => {
    let fail = false;
    const { engine } = await startEngine<string, string>({
      load: () => (fail ? { ok: false, error: 'source down' } : { ok: true, value: 'good' }),
    });
    await engine.fetch('k');
    fail = true;
    expect(await engine.fetch('k', { reload: true })).toEqual({ ok: false, error: 'source down' });
    expect(engine.peek('k')).toBe('good');
    await engine.close();
  });

  it('the per-call timeout bounds one read', async () => {
    const { engine } = await startEngine<string, string>(
      { load: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, value: 'slow' }), 300)) },
      { loadTimeout: 0 },
    );
    const result = await engine.fetch('k', { timeout: 20 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/timed out after 20 ms/);
    expect(engine.has('k')).toBe(false);
    expect(await engine.fetch('k')).toEqual({ ok: true, value: 'slow', loaded: true });
    await engine.close();
  });

  it.each([
    ['Infinity', Infinity],
    ['more than timers accept', 2 ** 31],
    ['negative', -1],
    ['NaN', NaN],
    ['a string', '10'],
  ])('a per-call timeout that is %s is a clear error naming bucket and option, and nothing loads', async (_name, timeout) => {
    const load = countingLoad<string>();
    const { engine, logger } = await startEngine<string, string>({ load }, { bucket: 'timed' });
    const expected = /^cache worker "timed": option "timeout": expected a whole number of milliseconds from 0 to 2147483647, got /;
    expect(await engine.fetch('k', { timeout: timeout as number })).toEqual({ ok: false, error: expect.stringMatching(expected) });
    expect(await engine.fetchNoSave('k', { timeout: timeout as number })).toEqual({ ok: false, error: expect.stringMatching(expected) });
    expect(load.calls).toEqual([]);
    expect(logger.at('warn', 'option "timeout"')).toHaveLength(2);
    await engine.close();
  });

  it('a per-call timeout of 0 means no bound, for the caller that starts the load and for those that join it', async () => {
    const { engine } = await startEngine<string, string>(
      { load: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, value: 'slow' }), 50)) },
      { loadTimeout: 10 },
    );
    const results = await Promise.all([engine.fetch('k', { timeout: 0 }), engine.fetch('k', { timeout: 0 })]);
    expect(results).toEqual([{ ok: true, value: 'slow', loaded: true }, { ok: true, value: 'slow', loaded: true }]);
    await engine.close();
  });

  it('config holds every field, bucket included, and is frozen', async () => {
    const { engine } = await startEngine({ load: () => ({ ok: true, value: 1 }) }, { bucket: 'frozen', loadTimeout: 123 });
    expect(engine.config).toEqual({ ...DEFAULT_SETTINGS, bucket: 'frozen', refreshInterval: null, loadTimeout: 123 });
    expect(Object.isFrozen(engine.config)).toBe(true);
    await engine.close();
  });
});
