import { setImmediate as nextTurn } from 'node:timers/promises';
import { Bucket } from '../../lib/store/bucket/bucket.js';
import { Sweeper } from '../../lib/store/bucket/sweeper.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The sweep removes expired entries at once for reads and writes, and takes their keys out of the
 * bucket's map after its pass, in slices; a map mostly expired is rebuilt from its live keys. Writes
 * made between the slices must come out exactly as they would without that.
 */
describe('the sweep, with writes between its slices', () => {
  it.each([
    ['a map mostly expired, rebuilt from its live keys', 40_000, 2_000],
    ['a map mostly live, whose expired keys are removed one by one', 3_000, 20_000],
  ])('%s', async (_, expiring, living) => {
    const bucket = new Bucket<string | { id: number }, number>(null, { maxAge: 3_600_000, expireAfterIdle: null, refreshAfter: null });
    const model = new Map<string, number>();
    const keyOf = (i: number): string | { id: number } => (i % 5 === 0 ? { id: i } : `k${i}`);
    const name = (key: string | { id: number }) => (typeof key === 'string' ? key : `id:${key.id}`);
    for (let i = 0; i < expiring; i++) bucket.set(keyOf(i), i, 30);
    for (let i = expiring; i < expiring + living; i++) {
      bucket.set(keyOf(i), i);
      model.set(name(keyOf(i)), i);
    }
    await sleep(40);
    const sweeper = new Sweeper(bucket, () => {}, () => {});
    const swept = sweeper.sweep();
    // Between the slices: bring back some expired keys, delete live ones, add new ones, overwrite.
    let turn = 0;
    let gone = 0;
    let done = false;
    void swept.then(() => (done = true));
    while (!done) {
      await nextTurn();
      const i = turn++;
      const revived = keyOf((i * 7919) % expiring);
      bucket.set(revived, -i);
      model.set(name(revived), -i);
      const deleted = keyOf(expiring + ((i * 104_729) % living));
      expect(bucket.delete(deleted)).toBe(model.delete(name(deleted)));
      // An expired key read before its key has left the map: a miss that changes nothing else.
      const expired = keyOf(((i * 6151) % expiring) + 2);
      if (!model.has(name(expired))) {
        const [size, expirations] = [bucket.size, bucket.expirations];
        expect(bucket.read(expired)).toBeUndefined();
        expect(bucket.expireIfDead(expired)).toBe(false);
        expect(bucket.size).toBe(size - (expirations === bucket.expirations ? 0 : 1));
      }
      const added = keyOf(1_000_000 + i);
      bucket.set(added, i);
      model.set(name(added), i);
      // A key brought back then deleted frees its slot, which the next new key takes; that one expires
      // at once and is swept in the same pass: one slot, buried twice under two keys.
      const passing = keyOf(((i * 31) % expiring) + 1);
      if (!model.has(name(passing))) {
        bucket.set(passing, 0);
        bucket.delete(passing);
        bucket.set(`gone${i}`, i, 0);
        gone++;
      }
    }
    await swept;
    expect(turn).toBeGreaterThan(1); // the writes did land between slices
    await sweeper.sweep(); // the keys that expired at once in the last turns, after the pass had gone by
    expect(bucket.size).toBe(model.size);
    const seen = new Map<string, number>();
    for (const [key, value] of bucket) seen.set(name(key), value);
    expect(seen).toEqual(model);
    expect(new Set([...bucket.keys()].map(name))).toEqual(new Set(model.keys()));
    for (const [key, value] of model) {
      const asKey = key.startsWith('id:') ? { id: Number(key.slice(3)) } : key;
      expect(bucket.get(asKey)).toBe(value);
    }
    // Slots given back are given again to new keys, and never to two keys at once.
    for (let i = 0; i < expiring; i++) bucket.set(`fresh${i}`, i);
    for (let i = 0; i < expiring; i += 97) expect(bucket.get(`fresh${i}`)).toBe(i);
    for (const [key, value] of model) {
      const asKey = key.startsWith('id:') ? { id: Number(key.slice(3)) } : key;
      expect(bucket.get(asKey)).toBe(value);
    }
    expect(bucket.size).toBe(model.size + expiring);
    // Every expired entry was swept once, except those brought back before the sweep reached them.
    expect(gone).toBeGreaterThan(0);
    expect(bucket.expirations).toBeLessThanOrEqual(expiring + gone);
    expect(bucket.expirations).toBeGreaterThanOrEqual(expiring - turn + gone);
  });
});
