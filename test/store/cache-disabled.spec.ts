import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { countingLoad, startEngine } from '../support/engine.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('cacheEnabled: false', () => {
  it('stores nothing by any path, loads on every read and writes no dump', async () => {
    const { dir, remove } = await makeTempDir();
    const file = join(dir, 'disabled.dump');
    const load = (key: string) => ({ ok: true as const, value: `value-${key}`, extra: { sibling: 'extra value' } });
    const calls = countingLoad<string>();
    const { engine } = await startEngine<string, string>(
      {
        load: (key) => (calls(key), load(key)),
        init: () => ({ ok: true, seed: new Map([['seeded', 'seed value']]) }),
      },
      { cacheEnabled: false, file, dumpDelay: 0 },
    );

    expect(engine.size).toBe(0);
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'value-a', loaded: true });
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'value-a', loaded: true });
    expect(await engine.fetchNoSave('a')).toEqual({ ok: true, value: 'value-a', loaded: true });
    expect(await engine.fetch('seeded')).toEqual({ ok: true, value: 'value-seeded', loaded: true });
    engine.set('b', 'set value');
    expect(engine.has('b')).toBe(false);
    expect(engine.peek('b')).toBeUndefined();
    expect(engine.has('sibling')).toBe(false);
    expect(calls.calls).toEqual(['a', 'a', 'a', 'seeded']);
    expect(engine.size).toBe(0);
    expect(engine.keys()).toEqual([]);

    expect(await engine.dump()).toEqual({ ok: false, error: expect.stringContaining('disabled') });
    expect((await engine.fullRefresh()).refreshed).toBe(0);
    await engine.close();
    expect(await readdir(dir)).toEqual([]);
    await remove();
  });

  it('ignores a dump on disk and runs init', async () => {
    const { dir, remove } = await makeTempDir();
    const file = join(dir, 'warm.dump');
    const first = await startEngine<string, string>({ load: () => ({ ok: true, value: 'v' }) }, { file });
    first.engine.set('a', 'from dump');
    await first.engine.close();

    let initRan = false;
    const { engine } = await startEngine<string, string>(
      { load: () => ({ ok: true, value: 'loaded' }), init: () => void (initRan = true) },
      { file, cacheEnabled: false },
    );
    expect(initRan).toBe(true);
    expect(engine.peek('a')).toBeUndefined();
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'loaded', loaded: true });
    await engine.close();
    await remove();
  });
});
