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
  /** By bucket, in the order of `position`. */
  private stores = new Map<string, CacheWorkerStore>();
  private readonly positions = new Map<CacheWorkerStore, number>();

  /**
   * Adds a store whose engine is attached, at `position` in the order of `getStores()`; bucket names and
   * dump files must be unique.
   */
  register(store: CacheWorkerStore, position: number): void {
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
    this.positions.set(store, position);
    const ordered = [...this.stores.values(), store].sort((a, b) => this.positions.get(a)! - this.positions.get(b)!);
    this.stores = new Map(ordered.map((each) => [each.bucket, each]));
  }

  /** The store of a bucket, or `undefined`. */
  getStore<K = unknown, V = unknown>(bucket: string): CacheWorkerStore<K, V> | undefined {
    return this.stores.get(bucket) as CacheWorkerStore<K, V> | undefined;
  }

  /** Every registered store, in the order `forFeature` lists them (the lists in the order the calls ran). */
  getStores(): CacheWorkerStore[] {
    return [...this.stores.values()];
  }

  /** The names of every bucket, in the order of `getStores()`. */
  getBuckets(): string[] {
    return [...this.stores.keys()];
  }

  /** The statistics of every bucket. */
  stats(): CacheWorkerStats[] {
    return this.getStores().map((store) => store.stats());
  }
}
