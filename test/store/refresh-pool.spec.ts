import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';
import { runPool } from '../../lib/store/refresh/refresh-pool.js';

/** Runs the pool over `count` tasks that each wait `ms`; returns the most tasks seen in flight at once, before and after `settleMs`. */
async function poolInFlight(count: number, concurrency: number, ms: number, settleMs: number) {
  let inFlight = 0;
  let early = 0;
  let late = 0;
  let done = 0;
  const started = performance.now();
  await runPool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async () => {
      inFlight++;
      if (performance.now() - started < settleMs) early = Math.max(early, inFlight);
      else late = Math.max(late, inFlight);
      await sleep(ms);
      inFlight--;
      done++;
    },
    () => false,
  );
  return { early, late, done };
}

describe('refresh pool', () => {
  it('runs every worker while the event loop is idle', async () => {
    const { early, late, done } = await poolInFlight(400, 8, 2, 0);
    expect(done).toBe(400);
    expect(Math.max(early, late)).toBe(8);
  });

  it('runs a quarter of its workers while the app keeps the event loop saturated, and still finishes', async () => {
    let serving = true;
    // An app busy serving: it never leaves the event loop idle, yet lets timers and I/O run.
    const app = (async () => {
      while (serving) {
        const until = performance.now() + 2;
        while (performance.now() < until);
        await nextMacrotask();
      }
    })();
    try {
      const { early, late, done } = await poolInFlight(600, 8, 2, 200);
      expect(done).toBe(600);
      expect({ early, late }).toEqual({ early: 8, late: 2 });
    } finally {
      serving = false;
      await app;
    }
  });

  it('stops taking items once stopped, even while most workers wait for a quieter loop', async () => {
    let started = 0;
    let stop = false;
    await runPool(
      Array.from({ length: 1000 }, (_, i) => i),
      4,
      async () => {
        if (++started === 10) stop = true;
        await sleep(1);
      },
      () => stop,
    );
    expect(started).toBeLessThan(20);
  });
});
