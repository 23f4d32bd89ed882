import type { CacheWorkerConfig } from '../interfaces/cache-worker-config.interface.js';
import type { LoadFunction } from './loading/load-runner.js';

/** The user's callbacks, bound to their store. */
export interface StoreCallbacks<K, V> {
  load: LoadFunction<K>;
  init?: (config: CacheWorkerConfig) => unknown;
  refreshFilter?: (key: K, newValue: V, oldValue: V) => unknown;
  revive?: (value: unknown) => V;
}
