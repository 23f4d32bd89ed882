import { performance } from 'node:perf_hooks';
import { setImmediate as nextMacrotask } from 'node:timers/promises';

/** Longest stretch of synchronous work before the pool lets the event loop run. */
const SLICE_MS = 8;

/**
 * Runs `task` over `items` with at most `concurrency` in flight — a bounded worker pool, never one
 * promise per item. When tasks keep settling without the event loop turning (loads that settle
 * synchronously), workers yield after a few milliseconds so reads and timers run. Tasks that wait on
 * I/O or timers let the loop turn by themselves and never yield: a yield would delay their next load.
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
  const worker = async () => {
    while (next < items.length && !stopped()) {
      await task(items[next++]!);
      if (!turnWatched) {
        turnWatched = true;
        setImmediate(turned);
      }
      if (performance.now() - turnStart > SLICE_MS) await nextMacrotask();
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(concurrency, items.length); i++) workers.push(worker());
  await Promise.all(workers);
}
