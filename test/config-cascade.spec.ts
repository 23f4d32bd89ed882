import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import {
  CacheWorker,
  CacheWorkerModule,
  CacheWorkerRegistry,
  CacheWorkerStore,
  DEFAULT_SETTINGS,
  type CacheWorkerModuleOptions,
  type LoadResult,
} from '../lib/index.js';
import { bootApp } from './support/nest-app.js';
import { RecordingLogger } from './support/recording-logger.js';

@CacheWorker({ bucket: 'plain' })
class PlainStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: key };
  }
}

@CacheWorker({ bucket: 'layered', shutdownTimeout: 2, refreshConcurrency: 2, dumpDelay: 2, loadTimeout: undefined })
class LayeredStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: key };
  }
}

/** A stand-in for ConfigService: a provider of another module that the forRootAsync factory injects. */
@Injectable()
class SettingsService {
  readonly cacheRefreshMs = 4_321;
  readonly layeredTimeout = 9_876;
}
@Module({ providers: [SettingsService], exports: [SettingsService] })
class SettingsModule {}

describe('config cascade (child-spec / override merge)', () => {
  it('without forRoot, the library defaults apply', async () => {
    const app = await bootApp([CacheWorkerModule.forFeature([PlainStore])]);
    const store = app.get(PlainStore);
    expect(store.config).toEqual({ ...DEFAULT_SETTINGS, bucket: 'plain' });
    expect(store.bucket).toBe('plain');
    expect(Object.isFrozen(store.config)).toBe(true);
    await app.close();
  });

  it('library defaults < forRoot defaults < @CacheWorker < forFeature < forRoot buckets[bucket]', async () => {
    const app = await bootApp([
      CacheWorkerModule.forRoot({
        defaults: { loadTimeout: 1, shutdownTimeout: 1, refreshConcurrency: 1, dumpDelay: 1 },
        buckets: { layered: { dumpDelay: 4 } },
      }),
      CacheWorkerModule.forFeature([{ store: LayeredStore, refreshConcurrency: 3, dumpDelay: 3 }]),
    ]);
    expect(app.get(LayeredStore).config).toEqual({
      ...DEFAULT_SETTINGS,
      bucket: 'layered',
      loadTimeout: 1, // forRoot defaults (the decorator's undefined does not override)
      shutdownTimeout: 2, // @CacheWorker
      refreshConcurrency: 3, // forFeature
      dumpDelay: 4, // forRoot buckets[bucket]
    });
    await app.close();
  });

  it('batchSize and batchDelay default to 100 keys and no delay, and go through the cascade like every field', async () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ batchSize: 100, batchDelay: 0 });
    const app = await bootApp([
      CacheWorkerModule.forRoot({ defaults: { batchSize: 500, batchDelay: 1 } }),
      CacheWorkerModule.forFeature([{ store: LayeredStore, batchDelay: 5 }]),
    ]);
    expect(app.get(LayeredStore).config).toMatchObject({ batchSize: 500, batchDelay: 5 });
    await app.close();
  });

  it('forRoot defaults apply to every bucket; buckets[bucket] to its bucket only', async () => {
    const app = await bootApp([
      CacheWorkerModule.forRoot({ defaults: { refreshInterval: 0 }, buckets: { plain: { cacheEnabled: false } } }),
      CacheWorkerModule.forFeature([PlainStore, LayeredStore]),
    ]);
    expect(app.get(PlainStore).config).toMatchObject({ refreshInterval: 0, cacheEnabled: false });
    expect(app.get(LayeredStore).config).toMatchObject({ refreshInterval: 0, cacheEnabled: true });
    await app.close();
  });

  it('forRootAsync takes its options from a factory that injects a provider of an imported module', async () => {
    const app = await bootApp([
      CacheWorkerModule.forRootAsync({
        imports: [SettingsModule],
        inject: [SettingsService],
        useFactory: async (settings: SettingsService): Promise<CacheWorkerModuleOptions> => ({
          defaults: { refreshInterval: settings.cacheRefreshMs },
          buckets: { layered: { loadTimeout: settings.layeredTimeout, shutdownTimeout: 7 } },
        }),
      }),
      CacheWorkerModule.forFeature([{ store: LayeredStore, shutdownTimeout: 5 }, PlainStore]),
    ]);
    expect(app.get(LayeredStore).config).toMatchObject({ refreshInterval: 4_321, loadTimeout: 9_876, shutdownTimeout: 7 });
    expect(app.get(PlainStore).config).toMatchObject({ refreshInterval: 4_321, loadTimeout: DEFAULT_SETTINGS.loadTimeout });
    await app.close();
  });

  it('forRootAsync takes its options from a class (useClass) with its own dependencies', async () => {
    @Injectable()
    class CacheOptionsFactory {
      constructor(@Inject(SettingsService) private readonly settings: SettingsService) {}
      create(): CacheWorkerModuleOptions {
        return { buckets: { plain: { loadTimeout: this.settings.layeredTimeout } } };
      }
    }
    const app = await bootApp([
      CacheWorkerModule.forRootAsync({ imports: [SettingsModule], useClass: CacheOptionsFactory }),
      CacheWorkerModule.forFeature([PlainStore]),
    ]);
    expect(app.get(PlainStore).config.loadTimeout).toBe(9_876);
    await app.close();
  });

  it('stores registered by several forFeature calls share one registry', async () => {
    const app = await bootApp([
      CacheWorkerModule.forRoot(),
      CacheWorkerModule.forFeature([PlainStore]),
      CacheWorkerModule.forFeature([LayeredStore]),
    ]);
    const registry = app.get(CacheWorkerRegistry);
    expect(registry.getBuckets().sort()).toEqual(['layered', 'plain']);
    expect(registry.getStore('plain')).toBe(app.get(PlainStore));
    expect(registry.stats().map((stats) => stats.bucket).sort()).toEqual(['layered', 'plain']);
    await app.close();
  });

  it('a store is injectable into the app’s own providers', async () => {
    @Injectable()
    class Consumer {
      constructor(@Inject(PlainStore) readonly store: PlainStore) {}
    }
    const app = await bootApp([CacheWorkerModule.forFeature([PlainStore])], undefined, [Consumer]);
    expect(await app.get(Consumer).store.fetch('hello')).toEqual({ ok: true, value: 'hello', loaded: true });
    await app.close();
  });

  it('buckets in forRoot that no store registers are a warning', async () => {
    const logger = new RecordingLogger();
    const app = await bootApp(
      [CacheWorkerModule.forRoot({ buckets: { plian: { refreshInterval: 5 } } }), CacheWorkerModule.forFeature([PlainStore])],
      logger,
    );
    expect(logger.at('warn', 'names buckets no store registers: plian')).toHaveLength(1);
    await app.close();
  });
});
