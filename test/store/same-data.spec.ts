import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { sameData } from '../../lib/store/persistence/same-data.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('sameData: whether a snapshot brings the value a bucket already holds', () => {
  it('says yes for the same data decoded again, from JSON or node:v8', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (generated) => {
        const value: unknown = JSON.parse(JSON.stringify(generated)); // as a dump holds it (JSON has no -0)
        expect(sameData(value, JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
    );
    const rich = { at: new Date(5), tags: new Set(['a', 'b']), byId: new Map([[1, { n: [1, 2] }]]), none: null, nan: NaN };
    // Both decoded, as a follower's value from one snapshot and the next one's (node:v8 decodes into Node's realm, not jest's).
    expect(sameData(deserialize(serialize(rich)), deserialize(serialize(rich)))).toBe(true);
  });

  it('says no for any difference, however small', () => {
    const cases: [unknown, unknown][] = [
      [{ a: 1, b: 2 }, { b: 2, a: 1 }], // the same properties in another order
      [{ a: 1 }, { a: 1, b: undefined }],
      [[1, 2], [1, 2, 3]],
      [[1, , 3], [1, undefined, 3]], // a hole
      [0, -0],
      ['1', 1],
      [new Date(1), new Date(2)],
      [new Map([[1, 'a']]), new Map([[1, 'b']])],
      [new Set([1, 2]), new Set([2, 1])],
      [{ nested: { deep: [1, { x: 'a' }] } }, { nested: { deep: [1, { x: 'b' }] } }],
      [new Point(1, 2), new Point(1, 2)], // class instances are not compared: their state may hold more
      [new Point(1, 2), { x: 1, y: 2 }],
      [new Uint8Array([1]), new Uint8Array([1])],
      [Object.assign([1], { extra: true }), [1]],
    ];
    for (const [a, b] of cases) expect([a, b, sameData(a, b)]).toEqual([a, b, false]);
  });

  it('says no, without throwing, for a getter that throws and for nesting too deep to compare', () => {
    const throwing = Object.defineProperty({}, 'a', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    expect(sameData(throwing, { a: 1 })).toBe(false);
    const deep = (depth: number): unknown => (depth === 0 ? 1 : { d: deep(depth - 1) });
    expect(sameData(deep(10), deep(10))).toBe(true);
    expect(sameData(deep(40), deep(40))).toBe(false);
  });
});
