import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CacheWorker,
  CacheWorkerConfigError,
  CacheWorkerModule,
  CacheWorkerRegistry,
  CacheWorkerStore,
  type LoadResult,
} from '../lib/index.js';
import { bootApp } from './support/nest-app.js';

/** A store class named `name` of bucket `bucket`, its own per call. */
function storeOf(bucket: string, name = 'WidgetStore') {
  @CacheWorker({ bucket, refreshInterval: null })
  class Store extends CacheWorkerStore<string, string> {
    load(key: string): LoadResult<string> {
      return { ok: true, value: `${bucket} ${key}` };
    }
  }
  Object.defineProperty(Store, 'name', { value: name });
  return Store;
}

describe('a store is registered by forFeature, once', () => {
  it('a store listed in a module’s providers instead fails bootstrap, saying how to register it', async () => {
    const WidgetStore = storeOf('widgets');
    @Module({ providers: [WidgetStore], exports: [WidgetStore] })
    class WidgetModule {}
    const failure = bootApp([CacheWorkerModule.forRoot(), WidgetModule]);
    await expect(failure).rejects.toThrow(
      "WidgetStore is not registered: add it to CacheWorkerModule.forFeature([...]), not to a module's providers",
    );
    await expect(failure).rejects.toBeInstanceOf(CacheWorkerConfigError);
  });

  it('so does one in the app’s own providers, beside registered stores, and without forRoot', async () => {
    const WidgetStore = storeOf('widgets');
    const PriceStore = storeOf('prices', 'PriceStore');
    await expect(bootApp([CacheWorkerModule.forFeature([PriceStore])], undefined, [WidgetStore])).rejects.toThrow(
      'WidgetStore is not registered',
    );
    await expect(bootApp([], undefined, [WidgetStore])).rejects.toThrow('WidgetStore is not registered');
  });

  it('a store with its own onModuleInit that calls the base one is checked too', async () => {
    @CacheWorker({ bucket: 'hooked' })
    class HookedStore extends CacheWorkerStore<string, string> {
      initialised = false;
      override onModuleInit(): void {
        super.onModuleInit();
        this.initialised = true;
      }
      load(key: string): LoadResult<string> {
        return { ok: true, value: key };
      }
    }
    await expect(bootApp([], undefined, [HookedStore])).rejects.toThrow('HookedStore is not registered');
    const app = await bootApp([CacheWorkerModule.forFeature([HookedStore])]);
    expect(app.get(HookedStore).initialised).toBe(true);
    expect(await app.get(HookedStore).fetch('a')).toEqual({ ok: true, value: 'a', loaded: true });
    await app.close();
  });

  it.each([
    ['twice as a class', (Store: ReturnType<typeof storeOf>) => [Store, Store]],
    ['as a class and as a definition', (Store: ReturnType<typeof storeOf>) => [Store, { store: Store, refreshInterval: 5_000 }]],
  ])('a store listed %s in forFeature is a duplicate bucket', (_name, list) => {
    const WidgetStore = storeOf('widgets');
    const register = () => CacheWorkerModule.forFeature(list(WidgetStore));
    expect(register).toThrow(
      'cache worker "widgets": field "bucket": WidgetStore is listed twice in CacheWorkerModule.forFeature; ' +
        'a store is registered once (a second registration is a duplicate bucket)',
    );
    expect(register).toThrow(CacheWorkerConfigError);
  });
});

describe('getStores()', () => {
  it('lists the stores in the order forFeature lists them, however long each takes to create', async () => {
    /** A dependency that takes a while to create: its store is created after the others. */
    @Injectable()
    class SlowApi {}
    const SLOW_API = { provide: SlowApi, useFactory: async () => (await delay(50), new SlowApi()) };
    @Module({ providers: [SLOW_API], exports: [SlowApi] })
    class SlowApiModule {}

    @CacheWorker({ bucket: 'first' })
    class FirstStore extends CacheWorkerStore<string, string> {
      constructor(readonly api: SlowApi) {
        super();
      }
      load(key: string): LoadResult<string> {
        return { ok: true, value: key };
      }
    }
    const Second = storeOf('second');
    const Third = storeOf('third');
    const Fourth = storeOf('fourth');

    const app = await bootApp([
      CacheWorkerModule.forFeature([FirstStore, Second, Third], { imports: [SlowApiModule] }),
      CacheWorkerModule.forFeature([Fourth]),
    ]);
    const registry = app.get(CacheWorkerRegistry);
    expect(registry.getBuckets()).toEqual(['first', 'second', 'third', 'fourth']);
    expect(registry.getStores().map((store) => store.bucket)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(registry.stats().map((stats) => stats.bucket)).toEqual(['first', 'second', 'third', 'fourth']);
    await app.close();
  });
});
