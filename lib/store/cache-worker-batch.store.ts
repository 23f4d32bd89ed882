import type { LoadContext, LoadManyResult, LoadResult } from '../interfaces/load-result.interface.js';
import { loadManyNoResult } from '../cache-worker.messages.js';
import { describeKey } from '../utils/describe.js';
import { CacheWorkerStore } from './cache-worker.store.js';
import { matchResults } from './loading/batch-results.js';

/**
 * The base class of a cache worker whose source answers in bulk only: implement `loadMany(keys)`
 * alone. Every load of the bucket goes through `loadMany`, in batches of at most `batchSize` keys.
 */
export abstract class CacheWorkerBatchStore<K = unknown, V = unknown> extends CacheWorkerStore<K, V> {
  abstract override loadMany(keys: K[], context: LoadContext): LoadManyResult<V, K> | Promise<LoadManyResult<V, K>>;

  /**
   * One key through `loadMany`, for code that calls the store's `load` itself; the bucket never calls
   * it, since a store with `loadMany` loads every key in a batch.
   */
  async load(key: K, context: LoadContext): Promise<LoadResult<V, K>> {
    const [result] = matchResults([key], await this.loadMany([key], context)).results;
    return (result as LoadResult<V, K> | undefined) ?? { ok: false, error: loadManyNoResult(describeKey(key, this.config.redactKeys)) };
  }
}
