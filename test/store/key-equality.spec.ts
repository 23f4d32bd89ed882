import { CacheWorkerKeyError } from '../../lib/index.js';
import { startEngine } from '../support/engine.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
class Vector {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

async function bucket() {
  const loads: unknown[] = [];
  const started = await startEngine<unknown, string>({
    load: (key) => (loads.push(key), { ok: true, value: `loaded #${loads.length}` }),
  });
  return { ...started, loads };
}

describe('keys compare by value', () => {
  it.each([
    ['plain objects, properties in another order', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }],
    ['arrays', [1, 'two', { three: 3 }], [1, 'two', { three: 3 }]],
    ['Maps, entries in another order', new Map<unknown, unknown>([['a', 1], [{ k: 1 }, 2]]), new Map<unknown, unknown>([[{ k: 1 }, 2], ['a', 1]])],
    ['Sets, items in another order', new Set([1, 'a', { b: 2 }]), new Set([{ b: 2 }, 'a', 1])],
    ['Dates with the same time', new Date(1_700_000_000_000), new Date(1_700_000_000_000)],
    ['instances of one class', new Point(1, 2), new Point(1, 2)],
    ['NaN', NaN, Number.NaN],
    ['-0 and 0', -0, 0],
    ['nested structures', { when: new Date(5), tags: new Set(['x']), ids: [1n, 2n] }, { ids: [1n, 2n], tags: new Set(['x']), when: new Date(5) }],
  ])('%s are one key', async (_name, first, second) => {
    const { engine, loads } = await bucket();
    engine.set(first, 'stored');
    expect(engine.has(second)).toBe(true);
    expect(engine.peek(second)).toBe('stored');
    expect(await engine.fetch(second)).toEqual({ ok: true, value: 'stored', loaded: false });
    expect(loads).toEqual([]);

    engine.set(second, 'replaced');
    expect(engine.size).toBe(1);
    expect(engine.keys()).toHaveLength(1);
    // The first key given (SameValueZero: -0 is kept as 0); an object key as the store's own copy of it.
    const [stored] = engine.keys();
    if (typeof first === 'object') expect(stored).toEqual(first);
    else expect([first as unknown].includes(stored)).toBe(true);
    expect(engine.peek(first)).toBe('replaced');
    expect(engine.delete(second)).toBe(true);
    expect(engine.has(first)).toBe(false);
    await engine.close();
  });

  it.each([
    ['1, 1n and "1"', [1, 1n, '1']],
    ['objects with different values', [{ a: 1 }, { a: 2 }, { a: 1, b: undefined }]],
    ['arrays in another order', [[1, 2], [2, 1], [1, 2, 3]]],
    ['an array and an object with index keys', [[1], { 0: 1 }]],
    ['instances of different classes', [new Point(1, 2), new Vector(1, 2), { x: 1, y: 2 }]],
    ['Dates at different times', [new Date(1), new Date(2)]],
    ['a Map and a Set', [new Map([[1, 1]]), new Set([[1, 1]])]],
    ['null, undefined, false, 0 and ""', [null, undefined, false, 0, '']],
    ['Maps with different values', [new Map([['a', 1]]), new Map([['a', 2]])]],
  ])('%s are different keys', async (_name, keys) => {
    const { engine } = await bucket();
    keys.forEach((key, index) => engine.set(key, `value ${index}`));
    expect(engine.size).toBe(keys.length);
    keys.forEach((key, index) => expect(engine.peek(key)).toBe(`value ${index}`));
    await engine.close();
  });

  it('keys() returns (copies of) the keys as first given, in insertion order', async () => {
    const { engine } = await bucket();
    const objectKey = { id: 7, region: 'eu' };
    const dateKey = new Date(42);
    await engine.fetch('plain');
    await engine.fetch(objectKey);
    engine.set({ region: 'eu', id: 7 }, 'overwritten');
    engine.set(dateKey, 'date');
    engine.set(3n, 'bigint');

    const keys = engine.keys();
    expect(keys).toHaveLength(4);
    expect(keys[0]).toBe('plain');
    expect(keys[1]).toEqual(objectKey);
    expect(keys[1]).not.toBe(objectKey); // the store's own copy: the caller's object stays the caller's
    expect(keys[2]).toEqual(dateKey);
    expect(keys[3]).toBe(3n);
    expect(engine.peek(objectKey)).toBe('overwritten');
    await engine.close();
  });

  it('a cyclic key is an error for the caller, not a crash', async () => {
    const { engine } = await bucket();
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    const result = await engine.fetch(cyclic);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/invalid key/);
    expect(engine.peek(cyclic)).toBeUndefined();
    expect(engine.has(cyclic)).toBe(false);
    // Such a key can't be in the bucket: removing it removes nothing; storing it is the caller's error.
    expect(engine.delete(cyclic)).toBe(false);
    expect(engine.invalidate(cyclic)).toBe(false);
    expect(() => engine.set(cyclic, 'v')).toThrow(CacheWorkerKeyError);
    expect(() => engine.set(cyclic, 'v')).toThrow('a key may nest at most 32 levels (is it cyclic?)');
    expect(engine.size).toBe(0);
    await engine.close();
  });
});
