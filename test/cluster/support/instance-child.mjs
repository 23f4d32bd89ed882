// The cluster test app in its own process, against the built library: the parent drives it over IPC.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore } from '../../../dist/index.js';

const settings = JSON.parse(process.argv[2]);
const loads = {};

class ItemStore extends CacheWorkerStore {
  load(key) {
    loads[key] = (loads[key] ?? 0) + 1;
    return { ok: true, value: { key, by: settings.name, n: loads[key] } };
  }
}
CacheWorker({ bucket: 'items' })(ItemStore);

class AppModule {}
Module({
  imports: [
    CacheWorkerModule.forRoot({ cluster: settings.cluster }),
    CacheWorkerModule.forFeature([{ store: ItemStore, refreshInterval: settings.refreshInterval, file: settings.file ?? null }]),
  ],
})(AppModule);

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
const store = app.get(ItemStore);

const operations = {
  fetch: (key) => store.fetch(key),
  peek: (key) => store.peek(key),
  set: (key, value) => void store.set(key, value),
  invalidate: (key) => store.invalidate(key),
  delete: (key) => store.delete(key),
  loads: () => ({ ...loads }),
  stats: () => {
    const { refreshes, size, startedFrom } = store.stats();
    return { refreshes, size, startedFrom };
  },
  close: async () => {
    await app.close();
    setImmediate(() => process.exit(0));
  },
};

process.on('message', async ({ id, op, args }) => {
  try {
    process.send({ id, result: await operations[op](...args) });
  } catch (error) {
    process.send({ id, error: String(error?.message ?? error) });
  }
});
process.on('disconnect', () => process.exit(0)); // the test runner is gone: don't linger
process.send({ ready: true });
