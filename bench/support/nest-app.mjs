import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
// The bench uses the built library, the way a user's app does.
import { CacheWorker, CacheWorkerModule, CacheWorkerStore } from '../../dist/index.js';

/**
 * Boots a real Nest application context with one cache worker store, the way an app declares it
 * (decorators applied by hand: this is plain JavaScript). `load(key)` calls `source(key)` and counts
 * the calls, so a hit-path measurement can prove that no load ran. With `bulkSource`, the store also
 * has `loadMany(keys)`, which calls it and counts its calls in `counter.batches`.
 *
 * `modules` are more modules for the app to import (an integration under test).
 *
 * @param {{ bucket: string, source: (key: unknown) => unknown, bulkSource?: (keys: unknown[]) => unknown,
 *   settings?: Record<string, unknown>, modules?: unknown[] }} options
 */
export async function startStoreApp({ bucket, source, bulkSource, settings = {}, modules = [] }) {
  const counter = { loads: 0, batches: 0 };
  class BenchStore extends CacheWorkerStore {
    load(key) {
      counter.loads++;
      return source(key);
    }
  }
  if (bulkSource) {
    BenchStore.prototype.loadMany = function loadMany(keys) {
      counter.batches++;
      return bulkSource(keys);
    };
  }
  CacheWorker({ bucket, refreshInterval: 0, ...settings })(BenchStore);
  class BenchAppModule {}
  Module({ imports: [CacheWorkerModule.forRoot(), CacheWorkerModule.forFeature([BenchStore]), ...modules] })(BenchAppModule);

  const app = await NestFactory.createApplicationContext(BenchAppModule, { logger: ['error'], abortOnError: false });
  /** @type {CacheWorkerStore} */
  const store = app.get(BenchStore);
  return { app, store, counter };
}

/** Throws when a measurement that must only hit the cache made the store load. */
export function assertNoLoads(counter, what) {
  if (counter.loads !== 0) throw new Error(`${what}: ${counter.loads} load calls ran during a hit-path measurement`);
}
