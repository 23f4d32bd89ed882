import type { ModuleMetadata, Type } from '@nestjs/common';
import type { CacheWorkerStore } from '../store/cache-worker.store.js';
import type { CacheWorkerClusterOptions } from '../cluster/cluster-options.interface.js';
import type { CacheWorkerSettings } from './cache-worker-config.interface.js';

/** Options of `CacheWorkerModule.forRoot` (and what `forRootAsync`'s factory returns). */
export interface CacheWorkerModuleOptions {
  /** Defaults for every bucket, over the library defaults. */
  defaults?: Partial<CacheWorkerSettings>;
  /** Per-bucket overrides, the last step of the cascade (runtime configuration). */
  buckets?: Record<string, Partial<CacheWorkerSettings>>;
  /** Cluster mode over Redis for every bucket (a bucket opts out with `cluster: false`); needs `ioredis`. */
  cluster?: CacheWorkerClusterOptions;
}

/** A store with per-store overrides, as an entry of `forFeature`. */
export interface CacheWorkerStoreDefinition extends Partial<CacheWorkerSettings> {
  /** The store class, decorated with `@CacheWorker`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  store: Type<CacheWorkerStore<any, any>>;
}

/** Options of `CacheWorkerModule.forFeature`. */
export interface CacheWorkerFeatureOptions {
  /** Modules whose providers the stores inject. */
  imports?: ModuleMetadata['imports'];
}
