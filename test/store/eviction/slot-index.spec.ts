import fc from 'fast-check';
import { IntegerSlotIndex } from '../../../lib/store/bucket/eviction/slot.index.js';

describe('the integer slot index of the shadows', () => {
  it('answers as a Map does through any sequence of sets and deletes, at its full load', () => {
    const capacity = 16;
    const key = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    const keys = fc.array(key, { minLength: 1, maxLength: 24 });
    fc.assert(
      fc.property(keys, fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.nat({ max: 1000 })), { maxLength: 400 }), (pool, steps) => {
        const index = new IntegerSlotIndex(capacity);
        const model = new Map<number, number>();
        for (const [pick, remove, slot] of steps) {
          const k = pool[pick % pool.length]!;
          if (remove || (!model.has(k) && model.size === capacity)) {
            index.delete(k);
            model.delete(k);
          } else {
            index.set(k, slot);
            model.set(k, slot);
          }
          expect(index.size).toBe(model.size);
          for (const probe of pool) expect(index.get(probe)).toBe(model.get(probe) ?? -1);
        }
        index.clear();
        expect([index.size, index.get(pool[0]!)]).toEqual([0, -1]);
      }),
      { numRuns: 300 },
    );
  });
});
