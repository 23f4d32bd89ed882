import type { CacheWorkerSettings } from './interfaces/cache-worker-config.interface.js';

/** Metadata key under which `@CacheWorker` keeps its options on the store class. */
export const CACHE_WORKER_METADATA = 'nest-cache-worker:options';

/** Prefix of the names under which refresh intervals are registered in `SchedulerRegistry`. */
export const REFRESH_INTERVAL_PREFIX = 'cache-worker:';

/** Prefix of every logger context. */
export const LOGGER_CONTEXT_PREFIX = 'CacheWorker:';

/** The library defaults, the first step of the cascade. */
export const DEFAULT_SETTINGS: Readonly<CacheWorkerSettings> = Object.freeze({
  file: null,
  refreshInterval: 900_000,
  cacheEnabled: true,
  refreshConcurrency: 16,
  loadTimeout: 30_000,
  batchSize: 100,
  batchDelay: 0,
  shutdownTimeout: 5_000,
  dumpDelay: 1_000,
  redactKeys: false,
  cluster: true,
  maxEntries: null,
  maxWeight: null,
  maxAge: null,
  expireAfterIdle: null,
  refreshAfter: null,
  failureBackoff: 0,
});

/** The names of every setting, to reject unknown fields. */
export const SETTING_NAMES: ReadonlySet<string> = new Set(Object.keys(DEFAULT_SETTINGS));
