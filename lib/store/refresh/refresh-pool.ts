import { performance } from 'node:perf_hooks';
import { setImmediate as nextMacrotask, setTimeout as delay } from 'node:timers/promises';

/** Longest stretch of synchronous work before the pool lets the event loop run. */
const SLICE_MS = 8;
/** How often the pool looks at how busy the event loop is. */
const CHECK_MS = 50;
/** Event-loop utilization above which the app is busy: the pool then runs a quarter of its workers. */
const BUSY_UTILIZATION = 0.95;
const BUSY_SHARE = 4;

/**
 * Runs `task` over `items` with at most `concurrency` in flight — a bounded worker pool, never one
 * promise per item. When tasks keep settling without the event loop turning (loads that settle
 * synchronously), workers yield after a few milliseconds so reads and timers run. Tasks that wait on
 * I/O or timers let the loop turn by themselves and never yield: a yield would delay their next load.
 * While the event loop is saturated (the app is busy serving), only a quarter of the workers run, so
 * a background refresh takes a small share of the loop and reads keep the rest; it still progresses.
 * Stops taking new items once `stopped()` is true.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  let next = 0;
  // When the event loop last turned, as seen by one immediate queued per turn.
  let turnStart = performance.now();
  let turnWatched = false;
  const turned = () => {
    turnStart = performance.now();
    turnWatched = false;
  };
  let running = concurrency;
  let checkedAt = performance.now();
  let utilization = performance.eventLoopUtilization();
  const checkBusy = (now: number) => {
    if (now - checkedAt < CHECK_MS) return;
    const busy = performance.eventLoopUtilization(utilization).utilization > BUSY_UTILIZATION;
    running = busy ? Math.max(1, Math.ceil(concurrency / BUSY_SHARE)) : concurrency;
    utilization = performance.eventLoopUtilization();
    checkedAt = now;
  };
  const worker = async (index: number) => {
    let now = performance.now();
    while (next < items.length && !stopped()) {
      checkBusy(now);
      if (index >= running) {
        await delay(CHECK_MS);
        now = performance.now();
        continue;
      }
      await task(items[next++]!);
      if (!turnWatched) {
        turnWatched = true;
        setImmediate(turned);
      }
      now = performance.now();
      if (now - turnStart > SLICE_MS) await nextMacrotask();
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(concurrency, items.length); i++) workers.push(worker(i));
  await Promise.all(workers);
}
