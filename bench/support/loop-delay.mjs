import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Runs `work` while sampling the event loop's delay every 5 ms; returns its result, its wall time and
 * the delay's p99 and max in milliseconds.
 * @template T
 * @param {() => Promise<T>} work
 */
export async function withLoopDelay(work) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  try {
    const result = await work();
    const wallMs = performance.now() - started;
    histogram.disable();
    return { result, wallMs, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}
