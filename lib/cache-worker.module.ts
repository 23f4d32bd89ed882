import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { CacheWorkerCoreModule } from './cache-worker-core.module.js';
import {
  CACHE_WORKER_ASYNC_OPTIONS_TYPE,
  CACHE_WORKER_MODULE_OPTIONS,
  CACHE_WORKER_OPTIONS_TYPE,
  CacheWorkerConfigurableModule,
} from './cache-worker.module-definition.js';
import { createStoreProviders } from './cache-worker.providers.js';
import type { CacheWorkerFeatureOptions, CacheWorkerStoreDefinition } from './interfaces/module-options.interface.js';
import type { CacheWorkerStore } from './store/cache-worker.store.js';

/**
 * The cache worker module. `forRoot`/`forRootAsync` (optional) set global defaults and per-bucket
 * overrides; `forFeature` registers stores, which the returned module provides and exports.
 */
@Module({})
export class CacheWorkerModule extends CacheWorkerConfigurableModule {
  /** Global defaults (`defaults`) and per-bucket overrides (`buckets`) for every store. */
  static override forRoot(options: typeof CACHE_WORKER_OPTIONS_TYPE = {}): DynamicModule {
    return asGlobalRoot(super.forRoot(options));
  }

  /** Like `forRoot`, with options from a factory (e.g. one that injects `ConfigService`). */
  static override forRootAsync(options: typeof CACHE_WORKER_ASYNC_OPTIONS_TYPE): DynamicModule {
    return asGlobalRoot(super.forRootAsync(options));
  }

  /**
   * Registers stores: each a class decorated with `@CacheWorker`, or `{ store, ...overrides }`.
   * `options.imports` lists the modules whose providers the stores inject.
   */
  static forFeature(
    stores: Array<Type<CacheWorkerStore<any, any>> | CacheWorkerStoreDefinition>,
    options: CacheWorkerFeatureOptions = {},
  ): DynamicModule {
    const providers = createStoreProviders(stores as Array<Type<CacheWorkerStore>>);
    return {
      module: CacheWorkerModule,
      imports: [CacheWorkerCoreModule, ...(options.imports ?? [])],
      providers,
      exports: [...providers.map((provider) => provider.provide), CacheWorkerCoreModule],
    };
  }
}

function asGlobalRoot(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    global: true,
    imports: [...(definition.imports ?? []), CacheWorkerCoreModule],
    exports: [...(definition.exports ?? []), CACHE_WORKER_MODULE_OPTIONS, CacheWorkerCoreModule],
  };
}
