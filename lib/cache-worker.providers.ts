import type { FactoryProvider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CACHE_WORKER_METADATA, LOGGER_CONTEXT_PREFIX } from './cache-worker.constants.js';
import { CacheWorkerBucketLogger } from './cache-worker.logger.js';
import { CACHE_WORKER_MODULE_OPTIONS } from './cache-worker.module-definition.js';
import { CacheWorkerRegistry } from './cache-worker.registry.js';
import { resolveConfig } from './config/resolve-config.js';
import { CacheWorkerConfigError } from './errors/cache-worker.errors.js';
import type { CacheWorkerOptions } from './interfaces/cache-worker-config.interface.js';
import type { CacheWorkerModuleOptions, CacheWorkerStoreDefinition } from './interfaces/module-options.interface.js';
import { attachEngine, CacheWorkerStore } from './store/cache-worker.store.js';
import { describeError } from './utils/describe.js';
import * as messages from './cache-worker.messages.js';

/**
 * How many stores `forFeature` listed so far: each store's position in `getStores()`, which follows the order
 * of the lists rather than the order in which Nest happens to finish creating the stores.
 */
let listed = 0;

/**
 * The providers of the stores of one `forFeature` list; a store listed twice is a duplicate bucket (Nest
 * would silently keep one of the two).
 */
export function createStoreProviders(entries: ReadonlyArray<Type<CacheWorkerStore> | CacheWorkerStoreDefinition>): FactoryProvider[] {
  const providers = entries.map((entry, index) => createStoreProvider(entry, index));
  const seen = new Set<unknown>();
  for (const { provide } of providers) {
    if (seen.has(provide)) {
      const storeClass = provide as Type<CacheWorkerStore>;
      const bucket = (Reflect.getMetadata(CACHE_WORKER_METADATA, storeClass) as CacheWorkerOptions | undefined)?.bucket;
      throw new CacheWorkerConfigError(messages.storeListedTwice(String(bucket), storeClass.name));
    }
    seen.add(provide);
  }
  return providers;
}

/**
 * The provider of one store: it resolves the store's config, creates the store in the feature
 * module's context (so it sees the feature's `imports` and global providers), attaches its engine
 * and registers it.
 */
function createStoreProvider(entry: Type<CacheWorkerStore> | CacheWorkerStoreDefinition, index: number): FactoryProvider {
  // Caught here, with the entry's index: later, Nest's scanner only reports an undefined export.
  if (typeof entry !== 'function' && typeof (entry as Partial<CacheWorkerStoreDefinition> | undefined)?.store !== 'function') {
    throw new CacheWorkerConfigError(messages.invalidStoreEntry(index, entry));
  }
  const { store: storeClass, ...overrides } = typeof entry === 'function' ? { store: entry } : entry;
  const position = listed++;
  return {
    provide: storeClass,
    inject: [ModuleRef, CacheWorkerRegistry, { token: CACHE_WORKER_MODULE_OPTIONS, optional: true }],
    useFactory: async (moduleRef: ModuleRef, registry: CacheWorkerRegistry, root?: CacheWorkerModuleOptions) => {
      const decorator = Reflect.getMetadata(CACHE_WORKER_METADATA, storeClass) as CacheWorkerOptions | undefined;
      if (!decorator) throw new CacheWorkerConfigError(messages.notDecorated(storeClass.name));
      if (!(storeClass.prototype instanceof CacheWorkerStore)) throw new CacheWorkerConfigError(messages.notAStore(storeClass.name));
      const config = resolveConfig({ storeName: storeClass.name, decorator, feature: overrides, root });
      const store = await createInFeatureContext(moduleRef, storeClass, config.bucket);
      if (typeof store.load !== 'function' && typeof store.loadMany !== 'function') {
        throw new CacheWorkerConfigError(messages.missingLoad(config.bucket));
      }
      attachEngine(store, config, new CacheWorkerBucketLogger(`${LOGGER_CONTEXT_PREFIX}${config.bucket}`));
      registry.register(store, position);
      return store;
    },
  };
}

async function createInFeatureContext(
  moduleRef: ModuleRef,
  storeClass: Type<CacheWorkerStore>,
  bucket: string,
): Promise<CacheWorkerStore> {
  try {
    return await moduleRef.create(storeClass);
  } catch (error) {
    if ((error as object)?.constructor?.name === 'UnknownDependenciesException') {
      throw new CacheWorkerConfigError(messages.missingDependency(bucket, storeClass.name, describeError(error)));
    }
    throw error;
  }
}
