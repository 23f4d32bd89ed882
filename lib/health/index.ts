/**
 * A `@nestjs/terminus` health indicator for the cache workers (needs the optional peer
 * `@nestjs/terminus`).
 *
 * @packageDocumentation
 * @module nest-cache-worker/health
 */
export * from './cache-worker-health.module.js';
export * from './cache-worker.health-indicator.js';
export {
  CACHE_WORKER_HEALTH_OPTIONS,
  type CacheWorkerHealthOptions,
  DEFAULT_DUMP_AGE_INTERVALS,
  DEFAULT_FAILED_REFRESHES,
} from './cache-worker-health.options.js';
