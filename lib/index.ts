/**
 * NestJS cache workers: in-memory buckets loaded on demand, refreshed in the background and kept
 * warm across restarts through dump files.
 *
 * @packageDocumentation
 * @module nest-cache-worker
 */
export { CacheWorkerModule } from './cache-worker.module.js';
export { CACHE_WORKER_MODULE_OPTIONS } from './cache-worker.module-definition.js';
export { CacheWorkerRegistry } from './cache-worker.registry.js';
export { DEFAULT_SETTINGS, REFRESH_INTERVAL_PREFIX } from './cache-worker.constants.js';
export { CacheWorkerStore } from './store/cache-worker.store.js';
export { CacheWorkerBatchStore } from './store/cache-worker-batch.store.js';
export type { CacheWorkerLogger } from './store/logger.interface.js';
export type { CacheWorkerClusterOptions, ClusterRedisInstance, ClusterRedisNodesOptions, ClusterRedisOptions } from './cluster/index.js';
export * from './decorators/index.js';
export * from './errors/index.js';
export * from './events/index.js';
export * from './interfaces/index.js';
