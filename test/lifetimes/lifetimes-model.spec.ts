import fc from 'fast-check';
import { EXPIRED, IDLE, LIVE, Lifetimes, STALE, type AgeCause } from '../../lib/store/bucket/lifetimes.js';

/** The rules of the README, written plainly: what each entry's times make of it at `now`. */
interface ModelEntry {
  storedAt: number;
  lastReadAt: number;
  ownMaxAge: number;
}

type Step =
  | { kind: 'store'; key: number; ownMaxAge: number; read: boolean }
  | { kind: 'read'; key: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'sweep'; limit: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('store' as const), key: fc.nat(7), ownMaxAge: fc.oneof(fc.constantFrom(-1, 0, 50, 100), fc.nat(300)), read: fc.boolean() }),
  fc.record({ kind: fc.constant('read' as const), key: fc.nat(7) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.constantFrom(0, 50, 100), fc.nat(120)) }),
  fc.record({ kind: fc.constant('sweep' as const), limit: fc.integer({ min: 1, max: 10 }) }),
);

// Round values as well as any: entries then often reach their time exactly, where >= and > differ.
const setting = fc.oneof(fc.constantFrom(null, 50, 100, 150), fc.integer({ min: 1, max: 400 }));

describe('lifetimes, against a model with a fake clock', () => {
  it('reads, sweeps and due times agree with the rules of maxAge, expireAfterIdle and refreshAfter', () => {
    fc.assert(
      fc.property(setting, setting, setting, fc.array(step, { maxLength: 80 }), (maxAge, expireAfterIdle, refreshAfter, steps) => {
        let now = 1_000_000;
        // Keys are their own slots here; the bucket's entries are the resident keys.
        const resident = new Map<number, number>();
        const lifetimes = new Lifetimes<number>({ maxAge, expireAfterIdle, refreshAfter }, () => resident.keys(), (key) => resident.get(key), now);
        const model = new Map<number, ModelEntry>();
        const causeOf = (entry: ModelEntry): AgeCause | null => {
          const age = entry.ownMaxAge >= 0 ? entry.ownMaxAge : maxAge;
          if (age !== null && now >= entry.storedAt + age) return 'expired';
          if (expireAfterIdle !== null && now - entry.lastReadAt >= expireAfterIdle) return 'idle';
          return null;
        };
        for (const s of steps) {
          if (s.kind === 'advance') now += s.ms;
          else if (s.kind === 'store') {
            const known = model.get(s.key);
            lifetimes.stored(s.key, now, s.ownMaxAge, s.read || known === undefined, now);
            resident.set(s.key, s.key);
            model.set(s.key, { storedAt: now, lastReadAt: known && !s.read ? known.lastReadAt : now, ownMaxAge: s.ownMaxAge });
          } else if (s.kind === 'read') {
            const entry = model.get(s.key);
            if (entry === undefined) continue; // the bucket reads only resident keys
            const verdict = lifetimes.check(s.key, now);
            const cause = causeOf(entry);
            if (cause !== null) {
              expect(verdict).toBe(cause === 'expired' ? EXPIRED : IDLE);
              resident.delete(s.key); // the bucket removes it
              model.delete(s.key);
            } else {
              entry.lastReadAt = now;
              expect(verdict).toBe(refreshAfter !== null && now - entry.storedAt >= refreshAfter ? STALE : LIVE);
            }
          } else {
            // A whole pass, in steps of `limit`: it removes exactly the entries past their time.
            const removed: [number, AgeCause][] = [];
            while (!lifetimes.sweepStep(now, s.limit, (key, _slot, cause) => (removed.push([key, cause]), resident.delete(key)))) {
              /* next step */
            }
            const expected = [...model].flatMap(([key, entry]): [number, AgeCause][] => {
              const cause = causeOf(entry);
              return cause === null ? [] : [[key, cause]];
            });
            expect(removed.sort()).toEqual(expected.sort());
            for (const [key] of removed) model.delete(key);
            // No entry left is due before the bound the sweep keeps.
            for (const key of model.keys()) expect(lifetimes.dueOf(key)).toBeGreaterThanOrEqual(lifetimes.nextDue);
            expect(resident.size).toBe(model.size);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps read times to the millisecond while the clock runs on for weeks', () => {
    const day = 86_400_000;
    let now = Date.UTC(2026, 0, 1);
    const resident = new Map([[0, 0], [1, 1]]);
    const lifetimes = new Lifetimes<number>({ maxAge: null, expireAfterIdle: 40 * day, refreshAfter: null }, () => resident.keys(), (key) => resident.get(key), now);
    lifetimes.stored(0, now, -1, true, now);
    lifetimes.stored(1, now, -1, true, now);
    const firstRead = now + 123;
    expect(lifetimes.check(0, firstRead)).toBe(LIVE);
    // Read by read, weeks pass: the read times are kept as milliseconds from a base that moves on.
    for (let week = 1; week <= 5; week++) {
      now += 7 * day;
      expect(lifetimes.check(1, now)).toBe(LIVE);
    }
    expect(lifetimes.lastReadAt(1)).toBe(now);
    expect(lifetimes.deadCause(0, firstRead + 40 * day - 1)).toBeNull();
    expect(lifetimes.deadCause(0, firstRead + 40 * day)).toBe('idle');
  });
});
