import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
// The bench uses the built library, the way a user's app does.
import { CacheWorker, CacheWorkerModule, CacheWorkerStore } from '../../dist/index.js';

/** The bucket every instance of workload 20 shares. */
export const CLUSTER_BUCKET = 'bench-cluster';

/**
 * A Nest application context with one store of `CLUSTER_BUCKET`; cluster mode when `cluster` is
 * given; the entries `seed()` makes from `init`; `modules`, more modules for the app to import.
 * `counter.loads` counts the source's calls.
 */
export async function startInstance({ cluster, refreshInterval = 0, source, seed, modules = [] }) {
  const counter = { loads: 0 };
  class BenchStore extends CacheWorkerStore {
    load(key) {
      counter.loads++;
      return source(key);
    }
    init() {
      return seed ? { ok: true, seed: seed() } : undefined;
    }
  }
  CacheWorker({ bucket: CLUSTER_BUCKET, refreshInterval })(BenchStore);
  class BenchAppModule {}
  Module({
    imports: [...modules, CacheWorkerModule.forRoot(cluster ? { cluster } : {}), CacheWorkerModule.forFeature([BenchStore])],
  })(BenchAppModule);
  const app = await NestFactory.createApplicationContext(BenchAppModule, { logger: ['error'], abortOnError: false });
  return { app, store: app.get(BenchStore), counter };
}

/** A source that answers at once. */
export const instant = (key) => ({ ok: true, value: { key, at: Date.now() } });
