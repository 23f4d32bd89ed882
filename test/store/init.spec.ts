import { join } from 'node:path';
import { CacheWorkerStopError } from '../../lib/index.js';
import { countingLoad, startEngine } from '../support/engine.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('init', () => {
  it.each([
    ['a Map', new Map([['a', 1], ['b', 2]])],
    ['a plain object', { a: 1, b: 2 }],
    ['an array of entries', [['a', 1], ['b', 2]]],
    ['a generator of entries', (function* () { yield ['a', 1]; yield ['b', 2]; })()],
  ])('seeds the bucket from %s', async (_name, seed) => {
    const load = countingLoad<string>();
    const { engine } = await startEngine<string, unknown>({ load, init: () => ({ ok: true, seed: seed as never }) });
    expect(engine.keys()).toEqual(['a', 'b']);
    expect(await engine.fetch('b')).toEqual({ ok: true, value: 2, loaded: false });
    expect(load.calls).toEqual([]);
    await engine.close();
  });

  it('is given the resolved config, and may be async', async () => {
    let seen: unknown;
    const { engine } = await startEngine<string, number>(
      {
        load: () => ({ ok: true, value: 0 }),
        init: async (config) => {
          seen = config;
          return { ok: true, seed: { x: 1 } };
        },
      },
      { bucket: 'with-config', loadTimeout: 777 },
    );
    expect(seen).toBe(engine.config);
    expect(engine.config).toMatchObject({ bucket: 'with-config', loadTimeout: 777 });
    expect(engine.peek('x')).toBe(1);
    await engine.close();
  });

  it('writes the seed to the dump at once', async () => {
    const { dir, remove } = await makeTempDir();
    const file = join(dir, 'seeded.dump');
    const first = await startEngine<string, number>(
      { load: () => ({ ok: true, value: 0 }), init: () => ({ ok: true, seed: { a: 1 } }) },
      { file },
    );
    expect(first.engine.stats().dumps).toBe(1);
    const second = await startEngine<string, number>({ load: () => ({ ok: true, value: 0 }) }, { file });
    expect(second.engine.peek('a')).toBe(1);
    await Promise.all([first.engine.close(), second.engine.close()]);
    await remove();
  });

  it.each([
    ['void', undefined],
    ['{ ok: true }', { ok: true }],
  ])('%s continues with an empty bucket and logs nothing', async (_name, result) => {
    const { engine, logger } = await startEngine({ load: () => ({ ok: true, value: 0 }), init: () => result as never });
    expect(engine.size).toBe(0);
    expect([...logger.at('warn'), ...logger.at('error')]).toEqual([]);
    await engine.close();
  });

  it('{ warn } logs a warning and continues', async () => {
    const { engine, logger } = await startEngine({
      load: () => ({ ok: true, value: 0 }),
      init: () => ({ warn: 'upstream is slow today' }),
    });
    expect(logger.at('warn')).toEqual([expect.objectContaining({ message: 'init: upstream is slow today' })]);
    expect(engine.size).toBe(0);
    await engine.close();
  });

  it.each([
    ['{ error }', { error: 'no seed source' }],
    ['{ ok: false, error }', { ok: false, error: 'no seed source' }],
  ])('%s logs the error and continues', async (_name, result) => {
    const load = countingLoad<string>();
    const { engine, logger } = await startEngine<string, string>({ load, init: () => result as never });
    expect(logger.at('error', 'no seed source')).toHaveLength(1);
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'value-a', loaded: true });
    await engine.close();
  });

  it('{ stop } fails startup with the reason', async () => {
    const started = startEngine({ load: () => ({ ok: true, value: 0 }), init: () => ({ stop: 'license expired' }) }, {
      bucket: 'stopper',
    });
    await expect(started).rejects.toThrow(CacheWorkerStopError);
    await expect(started).rejects.toThrow('cache worker "stopper": init stopped startup: license expired');
  });

  it.each([
    ['throws', () => { throw new Error('init exploded'); }],
    ['rejects', () => Promise.reject(new Error('init exploded'))],
  ])('an init that %s is logged and startup continues', async (_name, init) => {
    const load = countingLoad<string>();
    const { engine, logger } = await startEngine<string, string>({ load, init });
    expect(logger.at('warn', 'init exploded')).toHaveLength(1);
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'value-a', loaded: true });
    await engine.close();
  });

  it.each([
    ['a number', 42],
    ['an unknown object', { seeds: [] }],
    ['a seed that is not entries', { ok: true, seed: 'abc' }],
  ])('an init returning %s is logged and ignored', async (_name, result) => {
    const { engine, logger } = await startEngine({ load: () => ({ ok: true, value: 0 }), init: () => result as never });
    expect(logger.at('warn')).toHaveLength(1);
    expect(engine.size).toBe(0);
    await engine.close();
  });

  it('does not run when a dump was loaded', async () => {
    const { dir, remove } = await makeTempDir();
    const file = join(dir, 'warm.dump');
    const first = await startEngine<string, string>({ load: () => ({ ok: true, value: 'v' }) }, { file });
    first.engine.set('a', 'from dump');
    await first.engine.close();

    let initRuns = 0;
    const { engine } = await startEngine<string, string>(
      { load: () => ({ ok: true, value: 'v' }), init: () => (initRuns++, { ok: true, seed: { b: 'seed' } }) },
      { file },
    );
    expect(initRuns).toBe(0);
    expect(engine.keys()).toEqual(['a']);
    expect(engine.stats().startedFrom).toBe('dump');
    await engine.close();
    await remove();
  });
});
