import { crc32 } from 'node:zlib';
import { encodeChunks, encodeDump, encodeHeader, headerLength, type EncodedChunk } from '../../lib/store/persistence/dump-codec.js';
import fc from 'fast-check';
import { legacyDump } from '../support/legacy-dump.js';
import { decodeDump, entryAge, PayloadDecoder } from '../../lib/store/persistence/dump-decoder.js';
import { decodeHeader } from '../../lib/store/persistence/dump-header.js';
import type { StoredAge } from '../../lib/store/bucket/lifetimes.js';

const BUCKET = 'codec';
const tag = (value: unknown) => Object.prototype.toString.call(value);

/** How each chunk of a dump is stored: 'json' or 'v8', by its first byte. */
function chunkFormats(data: Buffer): string[] {
  const formats: string[] = [];
  for (let offset = headerLength(BUCKET); offset < data.length; offset += 4 + data.readUInt32LE(offset)) {
    formats.push(data[offset + 4] === 0x5b ? 'json' : data[offset + 4] === 0xff ? 'v8' : 'unknown');
  }
  return formats;
}

/**
 * Checks that `actual` is the same data as `expected`: same primitives (by Object.is, so -0 and NaN
 * count), same kinds of objects, same own keys in the same order, same array holes. Values read back
 * may come from another realm than the test's, so kinds are compared by their tags.
 */
function expectSameData(actual: unknown, expected: unknown, path = 'value'): void {
  if (typeof expected !== 'object' || expected === null) {
    if (!Object.is(actual, expected)) throw new Error(`${path}: ${String(actual)} is not ${String(expected)}`);
    return;
  }
  expect([path, tag(actual)]).toEqual([path, tag(expected)]);
  const source = actual as Record<string, unknown>;
  if (tag(expected) === '[object Date]') expect((actual as Date).getTime()).toBe((expected as Date).getTime());
  if (tag(expected) === '[object Map]' || tag(expected) === '[object Set]') {
    expectSameData([...(actual as Iterable<unknown>)], [...(expected as Iterable<unknown>)], `${path} entries`);
  }
  expect([path, Object.keys(source)]).toEqual([path, Object.keys(expected)]);
  for (const key of Object.keys(expected)) expectSameData(source[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
}

async function roundTrip(entries: [unknown, unknown][]): Promise<{ flat: unknown[]; formats: string[] }> {
  const { data } = await encodeDump(BUCKET, entries);
  return { flat: decodeDump(data, BUCKET).flat, formats: chunkFormats(data) };
}

const sparse = [1, , 3];
const named = Object.assign([1, 2], { extra: 'kept' });
const cyclic: Record<string, unknown> = { name: 'loop' };
cyclic.self = cyclic;
let deep: unknown = 'bottom';
for (let i = 0; i < 100; i++) deep = { deeper: deep };

describe('dump chunks: JSON text for plain data, v8 for the rest', () => {
  it.each<[string, unknown]>([
    ['strings, with a NUL, a lone surrogate and an emoji', ['plain', '\u0000nul', '\ud800', '😀', '']],
    ['numbers that JSON keeps exactly', [0, -5, 0.1, 1e21, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE]],
    ['booleans and null', [true, false, null]],
    ['nested plain objects and arrays', { id: 1, name: 'item', tags: ['a', 'b'], nested: { list: [[1], [], {}] } }],
    ['integer-like keys, in the order objects give them', { b: 1, 2: 0, a: 3, 1: 9 }],
    ['an own __proto__ key, which stays data', JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}')],
  ])('%s: written as JSON and read back the same', async (_name, value) => {
    const { flat, formats } = await roundTrip([['k', value]]);
    expect(formats).toEqual(['json']);
    expectSameData(flat[1], value);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['-0', -0],
    ['NaN', NaN],
    ['Infinity', -Infinity],
    ['undefined', undefined],
    ['a property holding undefined', { present: 1, missing: undefined }],
    ['an array with a hole', sparse],
    ['an array with a named property', named],
    ['a Date', new Date(86_400_000)],
    ['a Map', new Map([['a', { b: 1 }]])],
    ['a Set', new Set([1, 'two'])],
    ['a BigInt', 12345678901234567890n],
    ['nesting deeper than the JSON check goes', deep],
  ])('%s: JSON would change it, so it is written with v8 and read back the same', async (_name, value) => {
    const { flat, formats } = await roundTrip([['k', value]]);
    expect(formats).toEqual(['v8']);
    expectSameData(flat[1], value);
  });

  it('objects JSON cannot write at all go to v8: a cycle, a class instance, an object without prototype', async () => {
    class Account {
      constructor(readonly id: string) {}
    }
    const bare = Object.assign(Object.create(null) as object, { id: 'bare' });
    for (const value of [cyclic, new Account('a-1'), bare]) {
      const { flat, formats } = await roundTrip([['k', value]]);
      expect(formats).toEqual(['v8']);
      expect(Object.keys(flat[1] as object)).toEqual(Object.keys(value));
    }
    const { flat } = await roundTrip([['k', cyclic]]);
    const back = flat[1] as Record<string, unknown>;
    expect(back.self).toBe(back);
  });

  it('getters are read at write time: one that turns into a BigInt goes to v8, one that throws is left out', async () => {
    let reads = 0;
    const flaky = Object.defineProperty({}, 'value', {
      enumerable: true,
      get: () => (++reads === 1 ? 'plain' : 10n), // JSON-safe when checked, a BigInt when written
    });
    const throwing = Object.defineProperty({}, 'value', { enumerable: true, get: () => { throw new Error('no'); } });
    const { data, entries, leftOut } = await encodeDump(BUCKET, [['flaky', flaky], ['throwing', throwing], ['fine', { ok: 1 }]]);
    expect(chunkFormats(data)).toEqual(['v8']);
    expect([entries, leftOut]).toEqual([2, 1]);
    const flat = decodeDump(data, BUCKET).flat;
    expect(flat.filter((_, i) => i % 2 === 0)).toEqual(['flaky', 'fine']);
    expect((flat[1] as { value: unknown }).value).toBe(10n);
  });

  it('a large bucket mixes chunk kinds in order: only the chunk holding a Date is v8', async () => {
    const entries: [unknown, unknown][] = Array.from({ length: 5000 }, (_, i) => [`key-${i}`, { i, tags: ['x'] }]);
    entries[3000]![1] = { i: 3000, when: new Date(3000) };
    const { flat, formats } = await roundTrip(entries);
    expect(formats).toEqual(['json', 'v8', 'json']);
    expect(flat).toHaveLength(10_000);
    expect(flat.filter((_, i) => i % 2 === 0)).toEqual(entries.map(([key]) => key));
    expectSameData(flat[6001], entries[3000]![1]);
    expect(JSON.stringify(flat.filter((_, i) => i % 2 === 1 && i !== 6001))).toBe(
      JSON.stringify(entries.filter((_, i) => i !== 3000).map(([, value]) => value)),
    );
  });

  it('reads a version 1 dump (v8 chunks only)', async () => {
    const v1 = legacyDump(BUCKET, [['when', new Date(5)], ['list', new Set([1])]], 1);
    expect(chunkFormats(v1)).toEqual(['v8']);
    const { flat, ages } = decodeDump(v1, BUCKET);
    expect(ages).toBeNull();
    expect(flat[0]).toBe('when');
    expect((flat[1] as Date).getTime()).toBe(5);
    expect(tag(flat[3])).toBe('[object Set]');
  });

  it('reads a version 2 dump (no ages): its entries count as stored at the dump time', () => {
    const v2 = legacyDump(BUCKET, [['a', 1], ['b', 'two']], 2, 1_000);
    expect(chunkFormats(v2)).toEqual(['json']);
    const dump = decodeDump(v2, BUCKET);
    expect(dump.flat).toEqual(['a', 1, 'b', 'two']);
    expect(dump.ages).toBeNull();
    expect(entryAge(dump, 1)).toEqual({ storedAt: 1_000, ownMaxAge: -1 });
  });

  it('writes format 3 with each entry\'s age, in JSON and v8 chunks alike, and reads them back', async () => {
    const ages = new Map<unknown, StoredAge>([
      ['plain', { storedAt: 1_000, ownMaxAge: -1 }],
      ['dated', { storedAt: 2_000, ownMaxAge: 500 }],
    ]);
    const source = (entries: [unknown, unknown][]) => Object.assign(entries, { ageOf: (key: unknown) => ages.get(key) });
    for (const [entries, format] of [
      [[['plain', 1], ['dated', 2]], 'json'],
      [[['plain', new Date(1)], ['dated', new Set([2])]], 'v8'],
    ] as const) {
      const { data } = await encodeDump(BUCKET, source([...entries] as [unknown, unknown][]));
      expect(data.readUInt16LE(8)).toBe(3);
      expect(chunkFormats(data)).toEqual([format]);
      const dump = decodeDump(data, BUCKET);
      expect(dump.flat.filter((_, i) => i % 2 === 0)).toEqual(['plain', 'dated']);
      expect([entryAge(dump, 0), entryAge(dump, 1)]).toEqual([ages.get('plain'), ages.get('dated')]);
    }
  });

  it('writes no ages for a bucket that keeps none, and a dump of many chunks keeps each entry\'s own', async () => {
    const plain = await encodeDump(BUCKET, [['a', 1]]);
    expect(decodeDump(plain.data, BUCKET).ages).toBeNull();
    const entries: [unknown, unknown][] = Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]);
    const { data } = await encodeDump(BUCKET, Object.assign(entries, { ageOf: (key: unknown) => ({ storedAt: Number(String(key).slice(1)), ownMaxAge: 7 }) }));
    expect(chunkFormats(data).length).toBeGreaterThan(1);
    const dump = decodeDump(data, BUCKET);
    for (const i of [0, 2047, 2048, 4999]) expect(entryAge(dump, i)).toEqual({ storedAt: i, ownMaxAge: 7 });
  });

  it('with a byte target, each chunk takes the entries that fit in it by the size of the one before (one at least), and reads back the same', () => {
    const readBack = (chunks: EncodedChunk[], entries: number) => {
      const payload = Buffer.concat(chunks.flatMap((chunk) => chunk.frame));
      const header = encodeHeader({ bucket: BUCKET, entries, payloadCrc: crc32(payload), payloadLength: payload.length, createdAt: 1 });
      return JSON.stringify(decodeDump(Buffer.concat([header, payload]), BUCKET).flat);
    };
    const target = 16 * 1024;
    const small: [unknown, unknown][] = Array.from({ length: 12_000 }, (_, i) => [`key-${i}`, { i, name: `item ${i}` }]);
    const chunks = [...encodeChunks(small, target)];
    // The first chunk has nothing to go by; the others but the last come near the target.
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks.slice(1, -1)) expect([chunk.bytes > target / 2, chunk.bytes < target * 1.25]).toEqual([true, true]);
    expect(readBack(chunks, small.length)).toBe(JSON.stringify(small.flat()));
    // Once a chunk of entries larger than the target was seen, each comes alone.
    const mixed = [...small.slice(0, 2048), ...Array.from({ length: 60 }, (_, i): [unknown, unknown] => [`large-${i}`, 'x'.repeat(3000 + i)])];
    const mixedChunks = [...encodeChunks(mixed, 1024)];
    expect(mixedChunks.slice(-20).map((chunk) => chunk.entries)).toEqual(Array(20).fill(1));
    expect(readBack(mixedChunks, mixed.length)).toBe(JSON.stringify(mixed.flat()));
  });

  it('decodes the same entries from pieces of any size, through one reused buffer (typed arrays keep their own bytes)', async () => {
    const values = [(i: number) => ({ i }), (i: number) => new Date(i), (i: number) => new Uint8Array([i % 256, 1, 2])];
    const entries: [unknown, unknown][] = Array.from({ length: 3000 }, (_, i) => [`key-${i}`, values[i % 3]!(i)]);
    const { data } = await encodeDump(BUCKET, entries);
    const whole = decodeDump(data, BUCKET).flat;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        const header = decodeHeader(data, data.length, BUCKET);
        const decoder = new PayloadDecoder(header);
        const reused = Buffer.alloc(70_000);
        for (let at = header.payloadStart, turn = 0; at < data.length; turn++) {
          const size = Math.min(sizes[turn % sizes.length]!, data.length - at);
          data.copy(reused, 0, at, at + size);
          decoder.push(reused.subarray(0, size));
          reused.fill(0xee); // what a reader's next read would do to the buffer
          at += size;
        }
        const flat = decoder.finish().flat;
        expect(flat.length).toBe(whole.length);
        expect(JSON.stringify(flat)).toBe(JSON.stringify(whole));
      }),
      { numRuns: 30 },
    );
  });
});
