import type { CacheWorkerConfig } from '../interfaces/cache-worker-config.interface.js';
import type { Loaders } from './loading/load-runner.js';

/** The user's callbacks, bound to their store: `load`, `loadMany` or both, and the optional ones. */
export interface StoreCallbacks<K, V> extends Loaders<K> {
  init?: (config: CacheWorkerConfig) => unknown;
  refreshFilter?: (key: K, newValue: V, oldValue: V) => unknown;
  revive?: (value: unknown) => V;
  weigh?: (key: K, value: V) => unknown;
}
