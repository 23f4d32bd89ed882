// Soak: a real Nest app on the compiled package under steady load for a bounded time.
// Usage: node --expose-gc test/reliability/soak.mjs [duration ms, default 20000]
// Random reads over 100k keys, a full refresh every 100 ms, 10% of loads failing, dumps every 200 ms.
// Checks that the heap after gc() at the end is within 10% of the heap after warm-up, and that no
// invariant broke. Prints one JSON line with the measures; exits 1 when a check fails.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore } from 'nest-cache-worker';

const DURATION = Number(process.argv[2] ?? 20_000);
const KEYS = 100_000;
const BATCH = 500;
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const broken = [];
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));
/** Counts lines per level; keeps the error lines only (they should not exist). */
const logger = {
  counts: { log: 0, warn: 0, error: 0, debug: 0, verbose: 0, fatal: 0 },
  errors: [],
  log() { this.counts.log++; },
  warn() { this.counts.warn++; },
  debug() { this.counts.debug++; },
  verbose() { this.counts.verbose++; },
  fatal(message) { this.counts.fatal++; this.errors.push(String(message)); },
  error(message) { this.counts.error++; this.errors.push(String(message)); },
};

let loads = 0;
class SoakStore extends CacheWorkerStore {
  load(key) {
    loads++;
    if (Math.random() < 0.1) return Promise.resolve({ ok: false, error: 'the source failed (on purpose)' });
    return Promise.resolve({ ok: true, value: { id: key, load: loads, payload: 'x'.repeat(32) } });
  }
}

const dir = await mkdtemp(join(tmpdir(), 'ncw-soak-'));
const file = join(dir, 'soak.dump');
function appModule(refreshInterval) {
  const Store = class extends SoakStore {};
  CacheWorker({ bucket: 'soak', file, refreshInterval, dumpDelay: 200, loadTimeout: 1_000 })(Store);
  class AppModule {}
  Module({ imports: [CacheWorkerModule.forFeature([Store])] })(AppModule);
  return { AppModule, Store };
}

const { AppModule, Store } = appModule(100);
const app = await NestFactory.createApplicationContext(AppModule, { logger });
const store = app.get(Store);

/** One batch of random reads, each checked: a value is the value of its key, a failure has a text. */
async function readBatch() {
  const keys = Array.from({ length: BATCH }, () => Math.floor(Math.random() * KEYS));
  const results = await Promise.all(keys.map((key) => store.fetch(key)));
  results.forEach((result, i) => {
    const fine = result.ok ? result.value?.id === keys[i] : typeof result.error === 'string' && result.error.length > 0;
    if (!fine && broken.length < 5) broken.push({ key: keys[i], result });
  });
  await nextTurn(); // let timers (refresh, dumps) run between batches, as a server's event loop would
}

/** The heap with nothing in flight: after the running refresh and a dump, then gc, synchronously. */
async function settledHeap() {
  await store.fullRefresh();
  await store.dump();
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

// Warm-up: every key cached (failed loads are retried), then traffic for a fifth of the run.
const started = Date.now();
for (let key = 0; key < KEYS; key += BATCH) {
  const keys = Array.from({ length: BATCH }, (_, i) => key + i);
  for (let missing = keys; missing.length > 0; ) {
    const results = await Promise.all(missing.map((k) => store.fetch(k)));
    missing = missing.filter((_, i) => !results[i].ok);
  }
}
while (Date.now() - started < DURATION / 5) await readBatch();
const warmHeap = await settledHeap();
while (Date.now() - started < DURATION) await readBatch();
const endHeap = await settledHeap();
const stats = store.stats();
await app.close();

// The final dump holds the whole bucket.
const { AppModule: ReaderModule, Store: ReaderStore } = appModule(null);
const reader = await NestFactory.createApplicationContext(ReaderModule, { logger: false });
const restored = reader.get(ReaderStore).stats();
await reader.close();
await rm(dir, { recursive: true, force: true });

const heapGrowth = (endHeap - warmHeap) / warmHeap;
const checks = {
  'heap after gc within 10% of warm-up': Math.abs(heapGrowth) <= 0.1,
  'every read answered correctly': broken.length === 0,
  'no unhandled rejection': unhandled.length === 0,
  'nothing logged as an error': logger.errors.length === 0,
  'every key stays cached': stats.size === KEYS,
  'refreshes ran': stats.refreshes > 0,
  'loads failed about 10%': stats.loadErrors > 0 && stats.loadErrors < stats.loads * 0.2,
  'dumps written, none failed': stats.dumps > 0 && stats.dumpErrors === 0,
  'the final dump holds the whole bucket': restored.startedFrom === 'dump' && restored.size === KEYS,
};
const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
console.log(
  JSON.stringify({
    durationMs: Date.now() - started,
    warmHeapMB: +(warmHeap / 2 ** 20).toFixed(1),
    endHeapMB: +(endHeap / 2 ** 20).toFixed(1),
    heapGrowthPercent: +(heapGrowth * 100).toFixed(2),
    stats: { ...stats, lastRefreshAt: undefined, lastDumpAt: undefined },
    logLines: logger.counts,
    broken,
    unhandled,
    errors: logger.errors.slice(0, 5),
    failed,
  }),
);
process.exitCode = failed.length === 0 ? 0 : 1;
