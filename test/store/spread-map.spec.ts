import fc from 'fast-check';
import { hashKey } from '../../lib/store/key-equality.js';
import { SpreadMap } from '../../lib/store/spread-map.js';

/** Keys one native map holds before the map spreads (the library's constant, restated: the test crosses it). */
const SPREAD_FROM = 1 << 15;

type Key = string | number | { id: number };

/** A map just short of spreading, the same entries in a native Map as its model, and its keys in an array. */
function nearlySpread(): { map: SpreadMap<Key, number>; model: Map<Key, number>; resident: Key[] } {
  const map = new SpreadMap<Key, number>(hashKey);
  const model = new Map<Key, number>();
  const resident: Key[] = [];
  for (let i = 0; i < SPREAD_FROM - 40; i++) {
    const key = i % 3 === 0 ? `key:${i}` : i % 3 === 1 ? i : { id: i };
    map.set(key, i);
    model.set(key, i);
    resident.push(key);
  }
  return { map, model, resident };
}

/** An iteration opened on the map at some point, with what it has yielded and what it must yield. */
interface OpenIteration {
  iterator: Iterator<Key>;
  yielded: Set<Key>;
  /** The keys present when it opened and not deleted since: each must be yielded. */
  owed: Set<Key>;
}

describe('SpreadMap', () => {
  it('behaves as a Map through the spread, and iterations open across it yield each live key once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('add' as const), count: fc.integer({ min: 1, max: 30 }), kind: fc.integer({ min: 0, max: 2 }) }),
            fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
            fc.record({ op: fc.constant('update' as const), at: fc.nat() }),
            fc.record({ op: fc.constant('open' as const) }),
            fc.record({ op: fc.constant('step' as const), steps: fc.integer({ min: 1, max: 40_000 }) }),
            fc.record({ op: fc.constant('clear' as const) }),
          ),
          { minLength: 5, maxLength: 40 },
        ),
        (commands) => {
          const { map, model, resident } = nearlySpread();
          let next = SPREAD_FROM;
          const open: OpenIteration[] = [];
          // Wrong yields are collected (an expect per key would be slow) and checked once.
          const wrong: string[] = [];
          const step = (iteration: OpenIteration, steps: number) => {
            for (let i = 0; i < steps; i++) {
              const result = iteration.iterator.next();
              if (result.done) {
                for (const key of iteration.owed) if (!iteration.yielded.has(key)) wrong.push(`missed ${String(key)}`);
                open.splice(open.indexOf(iteration), 1);
                return;
              }
              if (iteration.yielded.has(result.value)) wrong.push(`twice ${String(result.value)}`);
              if (!model.has(result.value)) wrong.push(`not resident ${String(result.value)}`);
              iteration.yielded.add(result.value);
            }
          };
          for (const command of commands) {
            if (command.op === 'add') {
              for (let i = 0; i < command.count; i++, next++) {
                const key = command.kind === 0 ? `key:${next}` : command.kind === 1 ? next : { id: next };
                map.set(key, next);
                model.set(key, next);
                resident.push(key);
              }
            } else if (command.op === 'delete' && resident.length > 0) {
              const at = command.at % resident.length;
              const key = resident[at]!;
              resident[at] = resident[resident.length - 1]!;
              resident.pop();
              expect([map.delete(key), map.delete(key)]).toEqual([true, false]);
              model.delete(key);
              for (const iteration of open) iteration.owed.delete(key);
            } else if (command.op === 'update' && resident.length > 0) {
              const key = resident[command.at % resident.length]!;
              map.set(key, -1);
              model.set(key, -1);
            } else if (command.op === 'open') {
              open.push({ iterator: map.keys(), yielded: new Set(), owed: new Set(model.keys()) });
            } else if (command.op === 'step' && open.length > 0) {
              step(open[0]!, command.steps);
            } else if (command.op === 'clear') {
              map.clear();
              model.clear();
              resident.length = 0;
              for (const iteration of open) iteration.owed.clear();
            }
            expect(map.size).toBe(model.size);
          }
          for (const iteration of [...open]) step(iteration, Infinity);
          expect(wrong).toEqual([]);
          const entries = new Map(map.entries());
          expect(entries.size).toBe(model.size);
          expect([...model].filter(([key, value]) => map.get(key) !== value || entries.get(key) !== value)).toEqual([]);
          const list = map.keyList();
          expect([list.length, list.filter((key) => !model.has(key))]).toEqual([model.size, []]);
          expect(map.has({ id: -1 })).toBe(false);
        },
      ),
      { numRuns: 12 },
    );
  });

  it.each(['keys', 'entries'] as const)(
    '%s() opened before the spread skips keys deleted after it and yields values written after it',
    (kind) => {
      const map = new SpreadMap<Key, number>(hashKey);
      const keys: Key[] = Array.from({ length: SPREAD_FROM - 10 }, (_, i) => (i % 2 === 0 ? `key:${i}` : { id: i }));
      keys.forEach((key, i) => map.set(key, i));
      const keysOnly = function* (): Generator<[Key, undefined]> {
        for (const key of map.keys()) yield [key, undefined];
      };
      const iteration: Iterator<[Key, number | undefined]> = kind === 'entries' ? map.entries() : keysOnly();
      const seen = new Map<Key, number | undefined>();
      const twice: Key[] = [];
      const take = (next: IteratorResult<[Key, number | undefined]>) => {
        if (next.done) return false;
        if (seen.has(next.value[0])) twice.push(next.value[0]);
        seen.set(next.value[0], next.value[1]);
        return true;
      };
      for (let i = 0; i < 5; i++) take(iteration.next());
      for (let i = 0; i < 20; i++) map.set(`new:${i}`, -2); // spreads
      const deleted = keys.slice(-100);
      for (const key of deleted) map.delete(key);
      const updated = keys.slice(-200, -100);
      for (const key of updated) map.set(key, -1);
      while (take(iteration.next()));
      expect(twice).toEqual([]);
      expect(deleted.filter((key) => seen.has(key))).toEqual([]);
      if (kind === 'entries') expect(updated.filter((key) => seen.get(key) !== -1)).toEqual([]);
      expect(keys.slice(0, -100).filter((key) => !seen.has(key))).toEqual([]);
      expect(map.size).toBe(keys.length - 100 + 20);
    },
  );

  it('spreads its keys, strings and objects alike, over many native maps, none of which holds a large share', () => {
    const map = new SpreadMap<Key, number>(hashKey);
    const count = 1 << 18;
    for (let i = 0; i < count; i++) map.set(i % 2 === 0 ? `user:${i}` : { id: i }, i);
    const shards = (map as unknown as { shards: Map<Key, number>[] | null }).shards;
    expect(shards).not.toBeNull();
    const sizes = shards!.map((shard) => shard.size);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(count);
    // Even spreading puts count / shards in each; no shard may hold twice that.
    expect(Math.max(...sizes)).toBeLessThan((2 * count) / sizes.length);
  });
});
