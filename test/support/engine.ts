import { resolveConfig } from '../../lib/config/resolve-config.js';
import type { CacheWorkerConfig, CacheWorkerOptions, CacheWorkerStore } from '../../lib/index.js';
import { CacheEngine, type StoreCallbacks } from '../../lib/store/cache-engine.js';
import { attachEngine } from '../../lib/store/cache-worker.store.js';
import { RecordingLogger } from './recording-logger.js';

/** An engine as the Nest shell would build it (config through the cascade), with a recording logger. */
export interface TestEngine<K, V> {
  engine: CacheEngine<K, V>;
  logger: RecordingLogger;
}

/**
 * Builds and starts the engine of one bucket without Nest. `settings` are the `@CacheWorker`
 * options; `bucket` defaults to 'test'. Call `engine.close()` at the end of the test.
 */
export async function startEngine<K = unknown, V = unknown>(
  callbacks: StoreCallbacks<K, V>,
  settings: Partial<CacheWorkerOptions> = {},
  logger = new RecordingLogger(),
): Promise<TestEngine<K, V>> {
  const engine = new CacheEngine<K, V>(testConfig(settings), callbacks, logger);
  await engine.start();
  return { engine, logger };
}

/** Gives a store instance its engine (as `forFeature` would) and starts it; returns the store. */
export async function startStore<S extends CacheWorkerStore<any, any>>(
  store: S,
  settings: Partial<CacheWorkerOptions> = {},
  logger = new RecordingLogger(),
): Promise<S> {
  await attachEngine(store, testConfig(settings), logger).start();
  return store;
}

function testConfig(settings: Partial<CacheWorkerOptions>): CacheWorkerConfig {
  return resolveConfig({
    storeName: 'TestStore',
    decorator: { bucket: 'test', refreshInterval: null, ...settings },
    feature: undefined,
    root: undefined,
  });
}

/** A `load` that answers `value-<key>` and counts its calls per key. */
export function countingLoad<K>(): ((key: K) => { ok: true; value: string }) & { calls: K[] } {
  const calls: K[] = [];
  const load = (key: K) => {
    calls.push(key);
    return { ok: true as const, value: `value-${String(key)}` };
  };
  return Object.assign(load, { calls });
}
