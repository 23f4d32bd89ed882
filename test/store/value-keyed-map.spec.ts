import { hashKey } from '../../lib/store/key-equality.js';
import { ValueKeyedMap } from '../../lib/store/value-keyed-map.js';

/**
 * Two unequal keys `{ id }` with the same structural hash. The pair was found by a search over
 * `{ id: 'key-<n>' }` (the hash has 32 bits); the test checks that they still collide.
 */
function collidingKeys(): [{ id: string }, { id: string }] {
  return [{ id: 'key-901258' }, { id: 'key-1540052' }];
}

describe('ValueKeyedMap', () => {
  it('keeps unequal keys with one hash apart, through set, get, has, delete and re-set', () => {
    const [a, b] = collidingKeys();
    expect(hashKey(a)).toBe(hashKey(b));
    const map = new ValueKeyedMap<{ id: string }, string>();
    map.set(a, 'a');
    expect(map.get({ ...b })).toBeUndefined();
    map.set(b, 'b');
    expect([map.get({ ...a }), map.get({ ...b }), map.size]).toEqual(['a', 'b', 2]);

    map.set({ ...a }, 'a2'); // an equal key replaces the value, under the first key stored
    expect([...map]).toEqual([
      [a, 'a2'],
      [b, 'b'],
    ]);
    expect([...map][0]![0]).toBe(a);

    expect(map.delete({ ...a })).toBe(true);
    expect([map.has({ ...a }), map.get({ ...b }), map.size]).toEqual([false, 'b', 1]);
    expect(map.delete({ ...a })).toBe(false);
    map.set({ ...a }, 'a3');
    expect([map.get({ ...a }), map.get({ ...b }), [...map.keys()].length]).toEqual(['a3', 'b', 2]);
    expect(map.delete({ ...b })).toBe(true);
    expect(map.delete({ ...a })).toBe(true);
    expect(map.size).toBe(0);
  });

  it('mixes primitive and object keys in insertion order, and clears both', () => {
    const map = new ValueKeyedMap<unknown, number>();
    map.set('x', 1);
    map.set({ tenant: 't', id: 1 }, 2);
    map.set(3, 3);
    map.set({ id: 1, tenant: 't' }, 4);
    expect([...map].map(([, value]) => value)).toEqual([1, 4, 3]);
    expect(map.get({ id: 1, tenant: 't' })).toBe(4);
    map.clear();
    expect([map.size, map.get('x'), map.get({ tenant: 't', id: 1 })]).toEqual([0, undefined, undefined]);
  });

  it('copies every entry with its representative key, and the copy is independent', () => {
    const [a, b] = collidingKeys();
    const map = new ValueKeyedMap<unknown, string>();
    map.set(a, 'a');
    map.set('plain', 'p');
    map.set(b, 'b');
    const copy = map.copy();
    expect([...copy]).toEqual([...map]);
    expect([...copy.keys()][0]).toBe(a);
    expect([copy.get({ ...a }), copy.get({ ...b }), copy.get('plain')]).toEqual(['a', 'b', 'p']);
    copy.delete({ ...a });
    map.set({ ...b }, 'b2');
    expect([map.get({ ...a }), copy.get({ ...b }), copy.size, map.size]).toEqual(['a', 'b', 2, 3]);
  });
});
