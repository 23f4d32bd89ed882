import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Registry } from 'prom-client';
import {
  CACHE_WORKER_EVENTS,
  CacheWorker,
  CacheWorkerModule,
  CacheWorkerStore,
  type CacheWorkerBatchLoadedEvent,
  type LoadResult,
} from '../../lib/index.js';
import { CacheWorkerMetricsModule } from '../../lib/metrics/index.js';
import { bootApp } from '../support/nest-app.js';
import { deferred, waitFor } from '../support/wait-for.js';
import { BulkSource, bootBulkApp, valueOf } from './support/bulk-source.js';

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function boot<K = string>(options: Parameters<typeof bootBulkApp>[0], source: BulkSource<K>, extra?: Parameters<typeof bootBulkApp>[2]) {
  const booted = await bootBulkApp<K>(options, source, extra);
  apps.push(booted.app);
  return booted;
}

const okValue = (key: string) => ({ ok: true, value: valueOf(key) });
/** What a read that loaded `key` gets. */
const loadedValue = (key: string) => ({ ...okValue(key), loaded: true });

describe('batch loading: misses', () => {
  it('sends the misses of one event-loop turn to loadMany together, at most batchSize keys per call', async () => {
    const source = new BulkSource();
    const { store } = await boot({ bucket: 'turn', batchSize: 3 }, source);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const results = await Promise.all(keys.map((key) => store.fetch(key)));

    expect(results).toEqual(keys.map(loadedValue));
    expect(source.calls).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect(store.stats()).toMatchObject({ misses: 7, loads: 7, batches: 3, batchedKeys: 7, size: 7 });
    expect(store.peek('g')).toBe(valueOf('g'));
  });

  it('with batchDelay, collects the misses of several turns into one call', async () => {
    const source = new BulkSource();
    const { store } = await boot({ bucket: 'delay', batchDelay: 50 }, source);
    const first = store.fetch('a');
    await nextTurn();
    await nextTurn();
    const second = store.fetch('b');
    expect(await Promise.all([first, second])).toEqual([loadedValue('a'), loadedValue('b')]);
    expect(source.calls).toEqual([['a', 'b']]);
  });

  it('never asks again for a key already loading, alone or in a batch; its readers join that load', async () => {
    const source = new BulkSource();
    const gate = deferred();
    source.respond = async (keys) => {
      await gate.promise;
      return keys.map(okValue);
    };
    const { store } = await boot({ bucket: 'single-flight' }, source);
    const early = [store.fetch('a'), store.fetch('b')];
    await waitFor(() => source.calls.length === 1, 'the first batch to start');
    const late = [store.fetch('a'), store.fetch('b'), store.fetch('c'), store.fetchNoSave('a')];
    await waitFor(() => source.calls.length === 2, 'the second batch to start');
    gate.resolve();

    expect(await Promise.all(early)).toEqual([loadedValue('a'), loadedValue('b')]);
    expect(await Promise.all(late)).toEqual([loadedValue('a'), loadedValue('b'), loadedValue('c'), loadedValue('a')]);
    expect(source.calls).toEqual([['a', 'b'], ['c']]);
  });

  it('matches object keys by value inside a batch, as the bucket does', async () => {
    const source = new BulkSource<{ id: number }>();
    source.respond = (keys) => new Map(keys.map((key) => [{ ...key }, { ok: true, value: `widget ${key.id}` }]));
    const { store } = await boot({ bucket: 'object-keys' }, source);
    const results = await Promise.all([store.fetch({ id: 1 }), store.fetch({ id: 2 }), store.fetch({ id: 1 })]);
    expect(results).toEqual([
      { ok: true, value: 'widget 1', loaded: true },
      { ok: true, value: 'widget 2', loaded: true },
      { ok: true, value: 'widget 1', loaded: true },
    ]);
    expect(source.calls).toEqual([[{ id: 1 }, { id: 2 }]]);
    expect(store.peek({ id: 2 })).toBe('widget 2');
  });

  it('1,000 cold keys with 100 readers each: every key is asked once, every reader gets its value', async () => {
    const source = new BulkSource();
    source.respond = async (keys) => keys.map(okValue);
    const { store } = await boot({ bucket: 'storm' }, source);
    const keys = Array.from({ length: 1_000 }, (_, i) => `k${i}`);
    const reads: Promise<unknown>[] = [];
    for (let reader = 0; reader < 100; reader++) for (const key of keys) reads.push(store.fetch(key));
    const results = await Promise.all(reads);

    expect(results).toEqual(Array.from({ length: 100 }, () => keys.map(loadedValue)).flat());
    expect(source.keysAsked().sort()).toEqual([...keys].sort());
    expect(source.calls).toHaveLength(10);
    expect(store.stats()).toMatchObject({ loads: 1_000, batches: 10, batchedKeys: 1_000, misses: 100_000, size: 1_000 });
  });
});

describe('batch loading: fetchMany and getMany', () => {
  it('answer in the order given: hits from memory, the misses in as few calls as batchSize allows', async () => {
    const source = new BulkSource();
    const { store } = await boot({ bucket: 'many', batchSize: 2 }, source);
    store.set('b', 'cached b');
    const results = await store.fetchMany(['c', 'b', 'a', 'c', 'd', 'e', 'f']);

    expect(results).toEqual([loadedValue('c'), { ok: true, value: 'cached b', loaded: false }, loadedValue('a'), loadedValue('c'), loadedValue('d'), loadedValue('e'), loadedValue('f')]);
    expect(source.calls).toEqual([['c', 'a'], ['d', 'e'], ['f']]);
    expect(store.stats()).toMatchObject({ hits: 1, misses: 6, loads: 5, batches: 3 });
    expect(await store.getMany(new Set(['a', 'b']))).toEqual([valueOf('a'), 'cached b']);
    expect(source.calls).toHaveLength(3);
  });

  it('getMany gives the default where a key can not be had; neither ever rejects', async () => {
    const source = new BulkSource();
    source.respond = (keys) => new Map(keys.filter((key) => key !== 'gone').map((key) => [key, okValue(key)]));
    const { store, logger } = await boot({ bucket: 'defaults' }, source);
    expect(await store.getMany(['a', 'gone'])).toEqual([valueOf('a'), undefined]);
    expect(await store.getMany(['gone', 'b'], { default: 'none' })).toEqual(['none', valueOf('b')]);
    expect(await store.fetchMany([])).toEqual([]);
    expect(await store.fetchMany(42 as never)).toEqual([]);
    expect(await store.getMany('ab')).toEqual([]);
    expect(logger.at('warn', 'cache worker "defaults": fetchMany(keys): expected an array or another iterable of keys')).toHaveLength(2);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await store.fetchMany(['a', cyclic as never])).toEqual([
      { ...okValue('a'), loaded: false }, // cached by the reads above
      { ok: false, error: expect.stringMatching(/^invalid key: a key may nest at most 32 levels/) },
    ]);
  });

  it('apply skipSave, reload and timeout to each key of the batch', async () => {
    const source = new BulkSource();
    let version = 1;
    source.respond = async (keys) => keys.map((key) => ({ ok: true, value: `${key}@${version}` }));
    const { store } = await boot({ bucket: 'options' }, source);

    expect(await store.fetchMany(['a', 'b'], { skipSave: true })).toEqual([
      { ok: true, value: 'a@1', loaded: true },
      { ok: true, value: 'b@1', loaded: true },
    ]);
    expect(store.size).toBe(0);

    store.set('a', 'old a');
    version = 2;
    expect(await store.fetchMany(['a', 'b'], { reload: true })).toEqual([
      { ok: true, value: 'a@2', loaded: true },
      { ok: true, value: 'b@2', loaded: true },
    ]);
    expect(store.peek('a')).toBe('a@2');
    expect(source.calls).toEqual([['a', 'b'], ['a', 'b']]);

    source.respond = () => new Promise(() => undefined); // never settles
    const started = Date.now();
    expect(await store.fetchMany(['x', 'y'], { timeout: 50 })).toEqual([
      { ok: false, error: 'load timed out after 50 ms' },
      { ok: false, error: 'load timed out after 50 ms' },
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(source.contexts[2]!.signal.aborted).toBe(true);
    expect(await store.fetchMany(['z'], { timeout: -1 })).toEqual([
      { ok: false, error: expect.stringContaining('option "timeout"') },
    ]);
  });

  it('store the extra entries each key of a batch returns', async () => {
    const source = new BulkSource();
    source.respond = (keys) => keys.map((key) => ({ ok: true, value: valueOf(key), extra: { [`${key}-sibling`]: 'sibling' } }));
    const { store } = await boot({ bucket: 'extra' }, source);
    await store.fetchMany(['a', 'b']);
    expect(store.keys().sort()).toEqual(['a', 'a-sibling', 'b', 'b-sibling']);
  });

  it('on a store with load only, call load once per distinct key', async () => {
    const calls: string[] = [];
    @CacheWorker({ bucket: 'load-only' })
    class LoadOnly extends CacheWorkerStore<string, string> {
      async load(key: string): Promise<LoadResult<string>> {
        calls.push(key);
        return { ok: true, value: valueOf(key) };
      }
    }
    const app = await bootApp([CacheWorkerModule.forFeature([LoadOnly])]);
    apps.push(app);
    const store = app.get(LoadOnly);
    expect(await store.fetchMany(['a', 'b', 'a'])).toEqual([loadedValue('a'), loadedValue('b'), loadedValue('a')]);
    expect(calls).toEqual(['a', 'b']);
    expect(store.stats()).toMatchObject({ loads: 2, batches: 0, batchedKeys: 0 });
  });
});

describe('batch loading: bootstrap, events and metrics', () => {
  it('fails bootstrap, naming the bucket, for a store with neither load nor loadMany', async () => {
    const Base = CacheWorkerStore as unknown as new () => object;
    @CacheWorker({ bucket: 'no-loader' })
    class NoLoader extends Base {}
    await expect(bootApp([CacheWorkerModule.forFeature([NoLoader as never])])).rejects.toThrow(
      'cache worker "no-loader": field "load": the store has neither a load(key) nor a loadMany(keys) method',
    );
  });

  it("a CacheWorkerBatchStore's own load asks loadMany for the one key, without touching the bucket", async () => {
    const source = new BulkSource();
    source.respond = (keys) => new Map(keys.filter((key) => key !== 'gone').map((key) => [key, okValue(key)]));
    const { store } = await boot({ bucket: 'own-load' }, source);
    const context = { signal: new AbortController().signal };
    expect(await store.load('a', context)).toEqual(okValue('a'));
    expect(await store.load('gone', context)).toEqual({ ok: false, error: 'loadMany gave no result for "gone"' });
    expect(source.calls).toEqual([['a'], ['gone']]);
    expect(store.size).toBe(0);
  });

  it('emits cache-worker.batch-loaded per call, and loaded or load-failed per key', async () => {
    @Injectable()
    class Listener {
      readonly batches: CacheWorkerBatchLoadedEvent[] = [];
      readonly keys: string[] = [];
      @OnEvent(CACHE_WORKER_EVENTS.batchLoaded)
      onBatch(event: CacheWorkerBatchLoadedEvent) {
        this.batches.push(event);
      }
      @OnEvent(CACHE_WORKER_EVENTS.loaded)
      onLoaded({ key }: { key: string }) {
        this.keys.push(`loaded ${key}`);
      }
      @OnEvent(CACHE_WORKER_EVENTS.loadFailed)
      onFailed({ key }: { key: string }) {
        this.keys.push(`failed ${key}`);
      }
    }
    const source = new BulkSource();
    source.respond = (keys) => new Map(keys.filter((key) => key !== 'b').map((key) => [key, okValue(key)]));
    const { app, store } = await boot({ bucket: 'events' }, source, { imports: [EventEmitterModule.forRoot()], providers: [Listener] });
    await store.fetchMany(['a', 'b']);
    source.respond = () => {
      throw new Error('db down');
    };
    await store.fetchMany(['c']);

    const listener = app.get(Listener);
    expect(listener.batches).toEqual([
      { bucket: 'events', keys: ['a', 'b'], failed: 1, error: null, durationMs: expect.any(Number) },
      { bucket: 'events', keys: ['c'], failed: 1, error: 'db down', durationMs: expect.any(Number) },
    ]);
    expect(listener.keys).toEqual(['loaded a', 'failed b', 'failed c']);
  });

  it('exports batches, batched keys and batch durations to Prometheus', async () => {
    const registry = new Registry();
    const source = new BulkSource();
    const { store } = await boot({ bucket: 'metered', batchSize: 2 }, source, {
      imports: [CacheWorkerMetricsModule.forRoot({ registry })],
    });
    await store.fetchMany(['a', 'b', 'c']);
    const text = await registry.metrics();
    expect(text).toContain('cache_worker_batches_total{bucket="metered"} 2');
    expect(text).toContain('cache_worker_batched_keys_total{bucket="metered"} 3');
    expect(text).toContain('cache_worker_loads_total{bucket="metered"} 3');
    expect(text).toContain('cache_worker_batch_duration_seconds_count{bucket="metered",result="ok"} 2');
  });
});
