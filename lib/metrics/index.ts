/**
 * Prometheus metrics of the cache workers (needs the optional peer `prom-client`).
 *
 * @packageDocumentation
 * @module nest-cache-worker/metrics
 */
export * from './cache-worker-metrics.module.js';
export * from './cache-worker.metrics.js';
export {
  CACHE_WORKER_METRICS_OPTIONS,
  type CacheWorkerMetricsOptions,
  DEFAULT_METRICS_PREFIX,
} from './cache-worker-metrics.options.js';
