import { Injectable } from '@nestjs/common';
import { CacheWorkerConfigError } from './errors/cache-worker.errors.js';
import type { CacheWorkerStats } from './interfaces/stats.interface.js';
import type { CacheWorkerStore } from './store/cache-worker.store.js';
import * as messages from './cache-worker.messages.js';

/**
 * Every registered cache worker of the application, by bucket name. Inject it to reach a store by
 * name or to read the statistics of all buckets.
 */
@Injectable()
export class CacheWorkerRegistry {
  private readonly stores = new Map<string, CacheWorkerStore>();

  /** Adds a store whose engine is attached; bucket names and dump files must be unique. */
  register(store: CacheWorkerStore): void {
    const { bucket, file } = store.config;
    const existing = this.stores.get(bucket);
    if (existing) {
      throw new CacheWorkerConfigError(messages.duplicateBucket(bucket, existing.constructor.name, store.constructor.name));
    }
    for (const other of this.stores.values()) {
      if (file !== null && other.config.file === file) {
        throw new CacheWorkerConfigError(messages.sharedFile(bucket, other.bucket, file));
      }
    }
    this.stores.set(bucket, store);
  }

  /** The store of a bucket, or `undefined`. */
  getStore<K = unknown, V = unknown>(bucket: string): CacheWorkerStore<K, V> | undefined {
    return this.stores.get(bucket) as CacheWorkerStore<K, V> | undefined;
  }

  /** Every registered store, in registration order. */
  getStores(): CacheWorkerStore[] {
    return [...this.stores.values()];
  }

  /** The names of every bucket. */
  getBuckets(): string[] {
    return [...this.stores.keys()];
  }

  /** The statistics of every bucket. */
  stats(): CacheWorkerStats[] {
    return this.getStores().map((store) => store.stats());
  }
}
