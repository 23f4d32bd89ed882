import { startEngine } from '../support/engine.js';

describe('what load returns', () => {
  it('stores the entries of extra given as a Map', async () => {
    const { engine } = await startEngine<string, string>({
      load: (key) => ({ ok: true, value: `v-${key}`, extra: new Map([['x', 'v-x'], ['y', 'v-y']]) }),
    });
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'v-a', loaded: true });
    expect(engine.keys()).toEqual(['a', 'x', 'y']);
    expect(engine.peek('y')).toBe('v-y');
    expect(engine.stats().loads).toBe(1);
    await engine.close();
  });

  it('stores the entries of extra given as a plain object', async () => {
    const { engine } = await startEngine<string, number>({
      load: async () => ({ ok: true, value: 1, extra: { two: 2, three: 3 } }),
    });
    expect(await engine.fetch('one')).toEqual({ ok: true, value: 1, loaded: true });
    expect(engine.peek('two')).toBe(2);
    expect(engine.peek('three')).toBe(3);
    await engine.close();
  });

  it('keeps the value when extra cannot be read, and logs it', async () => {
    const { engine, logger } = await startEngine<string, number>({
      load: () => ({ ok: true, value: 1, extra: 42 as never }),
    });
    expect(await engine.fetch('one')).toEqual({ ok: true, value: 1, loaded: true });
    expect(engine.keys()).toEqual(['one']);
    expect(logger.at('warn', 'extra')).toHaveLength(1);
    expect(logger.at('warn', 'extra')[0]!.message).toContain('"one"');
    await engine.close();
  });

  it('{ ok: false, error } stores nothing, gives the error, and is not cached', async () => {
    let calls = 0;
    const { engine, logger } = await startEngine<string, string>({
      load: () => (calls++, { ok: false, error: 'not found upstream' }),
    });
    expect(await engine.fetch('a')).toEqual({ ok: false, error: 'not found upstream' });
    expect(await engine.fetch('a')).toEqual({ ok: false, error: 'not found upstream' });
    expect(calls).toBe(2);
    expect(engine.has('a')).toBe(false);
    expect(engine.stats()).toMatchObject({ loads: 2, loadErrors: 2 });
    expect(logger.at('warn', 'load("a") failed: not found upstream')).toHaveLength(2);
    await engine.close();
  });

  it.each([
    ['a synchronous throw', () => { throw new Error('boom'); }, 'boom'],
    ['a rejection', () => Promise.reject(new Error('rejected')), 'rejected'],
    ['a thrown string', () => { throw 'plain text'; }, 'plain text'],
    ['an error given as an Error', () => ({ ok: false, error: new Error('wrapped') }), 'wrapped'],
  ])('catches %s as { ok: false, error }, logged once with the key', async (_name, load, error) => {
    const { engine, logger } = await startEngine<string, string>({ load: load as () => never });
    expect(await engine.fetch('k')).toEqual({ ok: false, error });
    expect(engine.has('k')).toBe(false);
    const lines = logger.lines.filter((line) => line.message.includes(error));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn' });
    expect(lines[0]!.message).toContain('"k"');
    await engine.close();
  });

  it.each([
    ['undefined', undefined],
    ['a bare value', 'just a string'],
    ['ok without value', { ok: true }],
    ['a promise of garbage', Promise.resolve(7)],
  ])('turns %s into an error', async (_name, returned) => {
    const { engine, logger } = await startEngine<string, string>({ load: () => returned });
    const result = await engine.fetch('k');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/not a LoadResult/);
    expect(engine.has('k')).toBe(false);
    expect(logger.at('warn', 'not a LoadResult')).toHaveLength(1);
    await engine.close();
  });
});
