import 'reflect-metadata';
import { Injectable, type INestApplication, type Type } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import {
  CACHE_WORKER_EVENTS,
  CacheWorker,
  CacheWorkerConfigError,
  CacheWorkerModule,
  CacheWorkerStore,
  DEFAULT_SETTINGS,
  type CacheWorkerEvictedEvent,
  type CacheWorkerOptions,
  type InitResult,
  type LoadResult,
} from '../../lib/index.js';
import { CacheWorkerMetricsModule } from '../../lib/metrics/index.js';
import { readDumpFile } from '../../lib/store/persistence/dump-file.js';
import { bootApp } from '../support/nest-app.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { makeTempDir } from '../support/temp-dir.js';
import { deferred } from '../support/wait-for.js';

/** What a test store does beyond answering `value-<key>`. */
interface Behaviour {
  weigh?: (key: string, value: string) => number;
  init?: () => InitResult<string, string>;
  extra?: (key: string) => Record<string, string> | undefined;
  /** Holds every load until released (a refresh in progress). */
  gate?: Promise<void>;
  value?: (key: string) => string;
}

/** A store class with `options`; a new class per call, so tests don't share decorator metadata. */
function storeClass(options: CacheWorkerOptions, behaviour: Behaviour = {}): Type<CacheWorkerStore<string, string>> & { loads: string[] } {
  const loads: string[] = [];
  @CacheWorker({ refreshInterval: null, ...options })
  class BoundedStore extends CacheWorkerStore<string, string> {
    static readonly loads = loads;
    async load(key: string): Promise<LoadResult<string, string>> {
      loads.push(key);
      if (behaviour.gate) await behaviour.gate;
      const value = behaviour.value?.(key) ?? `value-${key}`;
      const extra = behaviour.extra?.(key);
      return extra ? { ok: true, value, extra } : { ok: true, value };
    }
  }
  if (behaviour.weigh) Object.assign(BoundedStore.prototype, { weigh: behaviour.weigh });
  if (behaviour.init) Object.assign(BoundedStore.prototype, { init: behaviour.init });
  return BoundedStore as never;
}

async function boot(Store: Type<CacheWorkerStore<string, string>>, logger = new RecordingLogger(), imports: unknown[] = []) {
  const app = await bootApp([CacheWorkerModule.forFeature([Store]), ...(imports as never[])], logger);
  return { app, store: app.get(Store), logger };
}

const keysOf = (store: CacheWorkerStore<string, string>) => store.keys().sort();

describe('bounded buckets', () => {
  const apps: INestApplication[] = [];
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => (temp = await makeTempDir()));
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  afterAll(() => temp.remove());

  async function start(Store: Type<CacheWorkerStore<string, string>>, logger?: RecordingLogger, imports?: unknown[]) {
    const booted = await boot(Store, logger, imports);
    apps.push(booted.app);
    return booted;
  }

  describe('configuration', () => {
    it('defaults to no bound', async () => {
      expect(DEFAULT_SETTINGS).toMatchObject({ maxEntries: null, maxWeight: null });
      const { store } = await start(storeClass({ bucket: 'unbounded' }));
      for (let i = 0; i < 50; i++) await store.fetch(`k${i}`);
      expect(store.size).toBe(50);
      expect(store.stats()).toMatchObject({ evictions: 0, weight: null });
    });

    it.each([
      ['maxEntries', 0, 'a whole number of at least 1, or null, got 0'],
      ['maxEntries', 2.5, 'a whole number of at least 1, or null, got 2.5'],
      ['maxEntries', '10', 'a whole number of at least 1, or null, got "10"'],
      ['maxWeight', 0, 'a finite number greater than 0, or null, got 0'],
      ['maxWeight', -1, 'a finite number greater than 0, or null, got -1'],
      ['maxWeight', Infinity, 'a finite number greater than 0, or null, got Infinity'],
    ])('rejects %s: %p, naming the bucket and the field', async (field, value, expected) => {
      const Store = storeClass({ bucket: 'bad-bound', [field]: value } as CacheWorkerOptions, { weigh: () => 1 });
      const failure = bootApp([CacheWorkerModule.forFeature([Store])]);
      await expect(failure).rejects.toBeInstanceOf(CacheWorkerConfigError);
      await expect(bootApp([CacheWorkerModule.forFeature([Store])])).rejects.toThrow(
        `cache worker "bad-bound": field "${field}": expected ${expected}`,
      );
    });

    it('fails bootstrap when maxWeight is set and the store has no weigh', async () => {
      const Store = storeClass({ bucket: 'no-weigh', maxWeight: 100 });
      await expect(bootApp([CacheWorkerModule.forFeature([Store])])).rejects.toThrow(
        `cache worker "no-weigh": field "maxWeight": a bound on the weight needs the store's weigh(key, value) method`,
      );
    });

    it('takes the bound from any step of the cascade', async () => {
      const Store = storeClass({ bucket: 'cascaded' });
      const app = await bootApp([
        CacheWorkerModule.forRoot({ defaults: { maxEntries: 1000 }, buckets: { cascaded: { maxEntries: 3 } } }),
        CacheWorkerModule.forFeature([Store]),
      ]);
      apps.push(app);
      const store = app.get(Store);
      expect(store.config.maxEntries).toBe(3);
      for (let i = 0; i < 10; i++) await store.fetch(`k${i}`);
      expect(store.size).toBe(3);
    });
  });

  describe('maxEntries', () => {
    it('holds after every load; each caller gets its value, admitted or not', async () => {
      const { store } = await start(storeClass({ bucket: 'entries', maxEntries: 5 }));
      for (let i = 0; i < 40; i++) {
        expect(await store.fetch(`k${i}`)).toEqual({ ok: true, value: `value-k${i}`, loaded: true });
        expect(store.size).toBeLessThanOrEqual(5);
      }
      expect(store.size).toBe(5);
      expect(store.stats().evictions).toBe(35);
      for (const key of store.keys()) expect(store.peek(key)).toBe(`value-${key}`);
    });

    it('holds for set, extra entries and a miss storm', async () => {
      const Store = storeClass({ bucket: 'writes', maxEntries: 4 }, { extra: (key) => ({ [`${key}-a`]: 'a', [`${key}-b`]: 'b', [`${key}-c`]: 'c' }) });
      const { store } = await start(Store);
      for (let i = 0; i < 20; i++) {
        store.set(`s${i}`, `set ${i}`);
        expect(store.size).toBeLessThanOrEqual(4);
      }
      await store.fetch('with-extra');
      expect(store.size).toBeLessThanOrEqual(4);
      const storm = await Promise.all(Array.from({ length: 100 }, (_, i) => store.fetch(`storm${i % 30}`)));
      storm.forEach((result, i) => expect(result).toMatchObject({ ok: true, value: `value-storm${i % 30}` }));
      expect(Store.loads.filter((key) => key.startsWith('storm'))).toHaveLength(30); // still one load per key
      expect(store.size).toBeLessThanOrEqual(4);
    });

    it('counts fetch, get and fetchNoSave hits as uses, and not peek or has', async () => {
      // What the policy values most is what a restart with a smaller bound keeps.
      const file = join(temp.dir, 'uses.dump');
      const first = await boot(storeClass({ bucket: 'uses', file, maxEntries: 10 }));
      for (let i = 0; i < 10; i++) first.store.set(`k${i}`, `v${i}`);
      for (let round = 0; round < 5; round++) {
        await first.store.fetch('k3');
        await first.store.get('k5');
        await first.store.fetchNoSave('k7');
        first.store.peek('k1');
        first.store.has('k1');
        first.store.keys();
      }
      await first.app.close();
      const { store } = await start(storeClass({ bucket: 'uses', file, maxEntries: 3 }));
      expect(keysOf(store)).toEqual(['k3', 'k5', 'k7']);
    });

    it('keeps an init seed within the bound', async () => {
      const seed = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`seed${i}`, `seeded ${i}`]));
      const { store } = await start(storeClass({ bucket: 'seeded', maxEntries: 6 }, { init: () => ({ ok: true, seed }) }));
      expect(store.stats().startedFrom).toBe('init');
      expect(store.size).toBe(6);
      for (const key of store.keys()) expect(store.peek(key)).toBe(seed[key]);
    });

    it('does not let a refresh bring back a key evicted while it ran', async () => {
      const gate = deferred();
      const behaviour: Behaviour = {};
      const Store = storeClass({ bucket: 'refresh-evicts', maxEntries: 3 }, behaviour);
      const { store } = await start(Store);
      for (const key of ['a', 'b', 'c']) await store.fetch(key);
      behaviour.gate = gate.promise;
      const refresh = store.fullRefresh();
      behaviour.gate = undefined;
      // While the refresh's loads wait, new keys, each used more than a, b and c, take their places.
      for (const key of ['x', 'y', 'z']) for (let n = 0; n < 4; n++) await store.fetch(key);
      expect(keysOf(store)).toEqual(['x', 'y', 'z']);
      gate.resolve();
      const result = await refresh;
      expect(result).toMatchObject({ refreshed: 0, skipped: 3 });
      expect(keysOf(store)).toEqual(['x', 'y', 'z']);
      expect(store.stats().evictions).toBeGreaterThanOrEqual(3);
    });
  });

  describe('maxWeight', () => {
    const byLength = (_key: string, value: string) => value.length;

    it('holds the total weight after every store, and reports it', async () => {
      const Store = storeClass({ bucket: 'weights', maxWeight: 50 }, { weigh: byLength, value: (key) => 'x'.repeat(Number(key.slice(1))) });
      const { store } = await start(Store);
      for (let i = 1; i <= 30; i++) {
        await store.fetch(`w${i}`);
        const weight = store.keys().reduce((sum, key) => sum + store.peek(key)!.length, 0);
        expect(store.stats().weight).toBe(weight);
        expect(weight).toBeLessThanOrEqual(50);
      }
      expect(store.stats().evictions).toBeGreaterThan(0);
    });

    it('never stores an entry heavier than the bound, but its caller gets it', async () => {
      const { store } = await start(storeClass({ bucket: 'too-heavy', maxWeight: 10 }, { weigh: byLength }));
      store.set('light', 'abc');
      expect(await store.fetch('heavy')).toEqual({ ok: true, value: 'value-heavy', loaded: true }); // weighs 11
      expect(store.has('heavy')).toBe(false);
      expect(store.keys()).toEqual(['light']);
      expect(store.stats()).toMatchObject({ weight: 3, evictions: 1 });
    });

    it('is never weighed without maxWeight', async () => {
      let weighed = 0;
      const { store } = await start(storeClass({ bucket: 'unweighed', maxEntries: 3 }, { weigh: () => ++weighed }));
      for (let i = 0; i < 5; i++) await store.fetch(`k${i}`);
      expect(store.size).toBe(3);
      expect(weighed).toBe(0);
      expect(store.stats().weight).toBeNull();
    });

    it('holds both bounds at once', async () => {
      const { store } = await start(storeClass({ bucket: 'both', maxEntries: 4, maxWeight: 1000 }, { weigh: byLength }));
      for (let i = 0; i < 20; i++) store.set(`k${i}`, 'v');
      expect(store.size).toBe(4);
      expect(store.stats().weight).toBe(4);
    });

    it('weighs 1 an entry whose weigh throws or returns a bad number, and logs each kind once', async () => {
      const weigh = (key: string, value: string) => {
        if (key.startsWith('throw')) throw new Error('no scale');
        if (key.startsWith('nan')) return NaN;
        if (key.startsWith('negative')) return -5;
        if (key.startsWith('text')) return '7' as never;
        if (key.startsWith('promise')) return Promise.reject(new Error('async weigh')) as never;
        return value.length;
      };
      const logger = new RecordingLogger();
      const { store } = await start(storeClass({ bucket: 'bad-weigh', maxWeight: 100 }, { weigh }), logger);
      for (const key of ['throw1', 'throw2', 'nan1', 'negative1', 'text1', 'promise1', 'nan2']) store.set(key, 'four');
      expect(store.size).toBe(7);
      expect(store.stats().weight).toBe(7);
      expect(logger.at('warn', 'weigh("throw1") threw: no scale; such entries weigh 1')).toHaveLength(1);
      expect(logger.at('warn', 'weigh("nan1") returned NaN, not a finite number of at least 0; such entries weigh 1')).toHaveLength(1);
      expect(logger.at('warn', 'weigh(')).toHaveLength(2);
      store.set('fine', 'abcdefgh');
      expect(store.stats().weight).toBe(15);
    });
  });

  describe('dumps and restarts', () => {
    it('writes at most the bound, and a restart with a smaller bound keeps the most used entries', async () => {
      const file = join(temp.dir, 'ranked.dump');
      const first = await boot(storeClass({ bucket: 'ranked', file, maxEntries: 20 }));
      for (let i = 0; i < 40; i++) await first.store.fetch(`k${i}`);
      const resident = first.store.keys();
      expect(resident).toHaveLength(20);
      const hot = resident.slice(0, 5);
      for (let round = 0; round < 10; round++) for (const key of hot) await first.store.fetch(key);
      await first.app.close();
      expect((await readDumpFile(file, 'ranked')).flat).toHaveLength(40); // 20 keys and their values

      const { store } = await start(storeClass({ bucket: 'ranked', file, maxEntries: 5 }));
      expect(store.stats().startedFrom).toBe('dump');
      expect(keysOf(store)).toEqual([...hot].sort());
      for (const key of hot) expect(store.peek(key)).toBe(`value-${key}`);
    });

    it('starts within a smaller weight bound, keeping the entries ranked first that fit', async () => {
      const file = join(temp.dir, 'weights.dump');
      const weigh = (_key: string, value: string) => value.length;
      const first = await boot(storeClass({ bucket: 'weighed', file, maxWeight: 1000 }, { weigh }));
      first.store.set('big', 'x'.repeat(30));
      for (let i = 0; i < 10; i++) first.store.set(`small${i}`, 'y'.repeat(5));
      for (let round = 0; round < 5; round++) await first.store.fetch('big');
      await first.app.close();

      const { store } = await start(storeClass({ bucket: 'weighed', file, maxWeight: 40 }, { weigh }));
      expect(store.stats().weight).toBeLessThanOrEqual(40);
      expect(store.has('big')).toBe(true); // used most, kept first; then as many small ones as fit
      expect(store.size).toBe(3);
    });

    it('starts within its bound from a dump written without one', async () => {
      const file = join(temp.dir, 'was-unbounded.dump');
      const first = await boot(storeClass({ bucket: 'grown', file }));
      for (let i = 0; i < 30; i++) first.store.set(`k${i}`, `v${i}`);
      await first.app.close();
      const { store } = await start(storeClass({ bucket: 'grown', file, maxEntries: 8 }));
      expect(store.size).toBe(8);
      for (const key of store.keys()) expect(store.peek(key)).toBe(`v${key.slice(1)}`);
    });
  });

  describe('what operations see', () => {
    @Injectable()
    class EvictionListener {
      readonly evicted: CacheWorkerEvictedEvent[] = [];
      @OnEvent(CACHE_WORKER_EVENTS.evicted)
      onEvicted(event: CacheWorkerEvictedEvent) {
        this.evicted.push(event);
      }
    }

    it('emits cache-worker.evicted with the bucket, the key and the cause', async () => {
      const Store = storeClass({ bucket: 'evented', maxEntries: 2 });
      const app = await bootApp([EventEmitterModule.forRoot(), CacheWorkerModule.forFeature([Store])], new RecordingLogger(), [
        EvictionListener,
      ]);
      apps.push(app);
      const store = app.get(Store);
      for (const key of ['a', 'b', 'c', 'd']) await store.fetch(key);
      const { evicted } = app.get(EvictionListener);
      expect(evicted).toHaveLength(2);
      expect(evicted.every((event) => event.bucket === 'evented' && event.cause === 'size')).toBe(true);
      expect(evicted.map((event) => event.key).sort()).toEqual(['a', 'b', 'c', 'd'].filter((key) => !store.has(key)).sort());
    });

    it('emits nothing for an eviction while no listener would get it', async () => {
      const Store = storeClass({ bucket: 'unheard', maxEntries: 2 });
      const app = await bootApp([EventEmitterModule.forRoot(), CacheWorkerModule.forFeature([Store])]);
      apps.push(app);
      const emitter = app.get(EventEmitter2);
      const emitted: string[] = [];
      const emit = emitter.emit.bind(emitter);
      emitter.emit = (event: string | symbol | (string | symbol)[], ...values: unknown[]) => {
        emitted.push(String(event));
        return emit(event, ...values);
      };
      for (const key of ['a', 'b', 'c', 'd']) await app.get(Store).fetch(key);
      expect(app.get(Store).stats().evictions).toBe(2);
      expect(emitted).toContain(CACHE_WORKER_EVENTS.loaded);
      expect(emitted).not.toContain(CACHE_WORKER_EVENTS.evicted);
    });

    it('counts evictions in cache_worker_evictions_total', async () => {
      const registry = new Registry();
      const Store = storeClass({ bucket: 'measured', maxEntries: 3 });
      const app = await bootApp([CacheWorkerModule.forFeature([Store]), CacheWorkerMetricsModule.forRoot({ registry })]);
      apps.push(app);
      for (let i = 0; i < 10; i++) await app.get(Store).fetch(`k${i}`);
      const text = await registry.metrics();
      expect(text).toContain('# TYPE cache_worker_evictions_total counter');
      expect(text).toContain('cache_worker_evictions_total{bucket="measured"} 7');
    });
  });
});
