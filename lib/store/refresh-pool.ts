import { performance } from 'node:perf_hooks';
import { setImmediate as nextMacrotask } from 'node:timers/promises';

/** Longest stretch of synchronous work before the pool lets the event loop run. */
const SLICE_MS = 8;

/**
 * Runs `task` over `items` with at most `concurrency` in flight — a bounded worker pool, never one
 * promise per item. Workers yield to the event loop every few milliseconds, so even loads that settle
 * synchronously leave room for reads and timers. Stops taking new items once `stopped()` is true.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  let next = 0;
  let sliceStart = performance.now();
  const worker = async () => {
    while (next < items.length && !stopped()) {
      await task(items[next++]!);
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextMacrotask();
        sliceStart = performance.now();
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(concurrency, items.length); i++) workers.push(worker());
  await Promise.all(workers);
}
