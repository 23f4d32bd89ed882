import { withLoopDelay } from './loop-delay.mjs';

/**
 * Runs `work`, sampling the heap and external memory every 5 ms; returns its result, wall time, the
 * event loop's max delay, and the peak memory above both the figure before and the figure after.
 * The figures are this process's: its event loop and its heap.
 * @template T
 * @param {() => Promise<T>} work
 */
export async function measured(work) {
  const inUse = () => {
    const { heapUsed, external } = process.memoryUsage();
    return heapUsed + external;
  };
  globalThis.gc?.();
  const before = inUse();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, inUse())), 5);
  try {
    const { result, wallMs, maxMs } = await withLoopDelay(work);
    peak = Math.max(peak, inUse());
    globalThis.gc?.();
    return { result, wallMs, maxMs, extra: peak - Math.max(before, inUse()) };
  } finally {
    clearInterval(sampler);
  }
}
