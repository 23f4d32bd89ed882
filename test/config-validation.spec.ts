import 'reflect-metadata';
import { Injectable, Module, type ModuleMetadata } from '@nestjs/common';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  CacheWorker,
  CacheWorkerConfigError,
  CacheWorkerModule,
  CacheWorkerStore,
  type CacheWorkerOptions,
  type LoadResult,
} from '../lib/index.js';
import { bootApp } from './support/nest-app.js';

/** A store class decorated with `options`, defined per test so each test has its own metadata. */
function storeWith(options: CacheWorkerOptions) {
  @CacheWorker(options)
  class ConfiguredStore extends CacheWorkerStore<string, string> {
    load(key: string): LoadResult<string> {
      return { ok: true, value: key };
    }
  }
  return ConfiguredStore;
}

type Imports = NonNullable<ModuleMetadata['imports']>;

const expectBootstrapError = (imports: Imports, message: string | RegExp) =>
  expect(bootApp(imports)).rejects.toThrow(message);

describe('invalid configuration fails bootstrap, naming bucket and field', () => {
  it.each<[string, Partial<CacheWorkerOptions>, string]>([
    ['a negative interval', { refreshInterval: -1 }, 'field "refreshInterval": expected a whole number of milliseconds'],
    ['a fractional interval', { refreshInterval: 1.5 }, 'field "refreshInterval"'],
    ['an empty file path', { file: '' }, 'field "file": expected a non-empty path, or null, got ""'],
    ['a blank file path', { file: '   ' }, 'field "file"'],
    ['a non-integer concurrency', { refreshConcurrency: 2.5 }, 'field "refreshConcurrency": expected a whole number of at least 1, got 2.5'],
    ['a zero concurrency', { refreshConcurrency: 0 }, 'field "refreshConcurrency"'],
    ['a string timeout', { loadTimeout: '100' as never }, 'field "loadTimeout": expected a whole number of milliseconds from 0 to 2147483647, got "100"'],
    ['a negative shutdown timeout', { shutdownTimeout: -5 }, 'field "shutdownTimeout"'],
    ['a timeout beyond what timers accept', { loadTimeout: 2 ** 31 }, 'field "loadTimeout"'],
    ['a zero batch size', { batchSize: 0 }, 'field "batchSize": expected a whole number of at least 1, got 0'],
    ['a fractional batch size', { batchSize: 10.5 }, 'field "batchSize"'],
    ['a negative batch delay', { batchDelay: -1 }, 'field "batchDelay": expected a whole number of milliseconds from 0 to 2147483647, got -1'],
    ['a batch delay beyond what timers accept', { batchDelay: 2 ** 31 }, 'field "batchDelay"'],
    ['a non-boolean cacheEnabled', { cacheEnabled: 'yes' as never }, 'field "cacheEnabled": expected true or false, got "yes"'],
  ])('in @CacheWorker: %s', async (_name, settings, message) => {
    const Store = storeWith({ bucket: 'bad', ...settings });
    await expectBootstrapError([CacheWorkerModule.forFeature([Store])], `cache worker "bad": ${message}`);
  });

  it('in forFeature overrides', async () => {
    const Store = storeWith({ bucket: 'feature' });
    await expectBootstrapError(
      [CacheWorkerModule.forFeature([{ store: Store, refreshConcurrency: 1.5 }])],
      'cache worker "feature": field "refreshConcurrency"',
    );
  });

  it('in forRoot defaults and buckets, with the bucket they apply to', async () => {
    const Store = storeWith({ bucket: 'rooted' });
    await expectBootstrapError(
      [CacheWorkerModule.forRoot({ defaults: { refreshInterval: -10 } }), CacheWorkerModule.forFeature([Store])],
      'cache worker "rooted": field "refreshInterval"',
    );
    await expectBootstrapError(
      [CacheWorkerModule.forRoot({ buckets: { rooted: { file: '' } } }), CacheWorkerModule.forFeature([Store])],
      'cache worker "rooted": field "file"',
    );
  });

  it('in a forRootAsync factory', async () => {
    const Store = storeWith({ bucket: 'async' });
    await expectBootstrapError(
      [
        CacheWorkerModule.forRootAsync({ useFactory: async () => ({ buckets: { async: { shutdownTimeout: -1 } } }) }),
        CacheWorkerModule.forFeature([Store]),
      ],
      'cache worker "async": field "shutdownTimeout"',
    );
  });

  it.each<[string, (Store: ReturnType<typeof storeWith>) => Imports, string]>([
    ['@CacheWorker', () => [CacheWorkerModule.forFeature([storeWith({ bucket: 'typo', refreshIntervall: 5 } as never)])], '@CacheWorker'],
    ['forFeature', (Store) => [CacheWorkerModule.forFeature([{ store: Store, refreshIntervall: 5 } as never])], 'forFeature'],
    ['forRoot defaults', (Store) => [CacheWorkerModule.forRoot({ defaults: { refreshIntervall: 5 } as never }), CacheWorkerModule.forFeature([Store])], 'forRoot({ defaults })'],
    ['forRoot buckets', (Store) => [CacheWorkerModule.forRoot({ buckets: { typo: { refreshIntervall: 5 } as never } }), CacheWorkerModule.forFeature([Store])], 'forRoot({ buckets: { typo } })'],
  ])('an unknown field in %s', async (_name, imports, source) => {
    await expectBootstrapError(
      imports(storeWith({ bucket: 'typo' })),
      `cache worker "typo": field "refreshIntervall": unknown field in ${source}`,
    );
  });

  it('two buckets with the same file', async () => {
    const file = join(tmpdir(), 'ncw-never-written.dump');
    const First = storeWith({ bucket: 'first', file });
    const Second = storeWith({ bucket: 'second', file });
    await expectBootstrapError(
      [CacheWorkerModule.forFeature([First, Second])],
      `cache worker "second": field "file": "${file}" is also the dump file of bucket "first"`,
    );
  });

  it('the errors are CacheWorkerConfigError', async () => {
    const Store = storeWith({ bucket: 'typed', refreshInterval: -1 });
    await expect(bootApp([CacheWorkerModule.forFeature([Store])])).rejects.toBeInstanceOf(CacheWorkerConfigError);
  });
});

describe('invalid bucket', () => {
  it.each([
    ['an empty name', ''],
    ['a blank name', '  '],
    ['no name', undefined],
  ])('%s fails bootstrap', async (_name, bucket) => {
    const Store = storeWith({ bucket } as never);
    await expectBootstrapError(
      [CacheWorkerModule.forFeature([Store])],
      `${Store.name}: field "bucket" of @CacheWorker must be a non-empty string`,
    );
  });

  it('a duplicate bucket fails bootstrap, naming both stores', async () => {
    @CacheWorker({ bucket: 'twice' })
    class FirstStore extends CacheWorkerStore<string, string> {
      load(key: string): LoadResult<string> {
        return { ok: true, value: key };
      }
    }
    @CacheWorker({ bucket: 'twice' })
    class SecondStore extends FirstStore {}
    await expectBootstrapError(
      [CacheWorkerModule.forFeature([FirstStore]), CacheWorkerModule.forFeature([SecondStore])],
      /cache worker "twice": field "bucket" is used by both (FirstStore and SecondStore|SecondStore and FirstStore)/,
    );
  });

  it.each<[string, (Store: ReturnType<typeof storeWith>) => Imports, string]>([
    ['forFeature', (Store) => [CacheWorkerModule.forFeature([{ store: Store, bucket: 'renamed' } as never])], 'forFeature'],
    ['forRoot defaults', (Store) => [CacheWorkerModule.forRoot({ defaults: { bucket: 'renamed' } as never }), CacheWorkerModule.forFeature([Store])], 'forRoot({ defaults })'],
    ['forRoot buckets', (Store) => [CacheWorkerModule.forRoot({ buckets: { named: { bucket: 'renamed' } as never } }), CacheWorkerModule.forFeature([Store])], 'forRoot({ buckets: { named } })'],
  ])('a bucket set in %s fails bootstrap', async (_name, imports, source) => {
    await expectBootstrapError(
      imports(storeWith({ bucket: 'named' })),
      `cache worker "named": field "bucket": the bucket name is set in @CacheWorker only, not in ${source}`,
    );
  });
});

describe('invalid stores', () => {
  it('a class without @CacheWorker fails bootstrap', async () => {
    class UndecoratedStore extends CacheWorkerStore<string, string> {
      load(key: string): LoadResult<string> {
        return { ok: true, value: key };
      }
    }
    await expectBootstrapError(
      [CacheWorkerModule.forFeature([UndecoratedStore])],
      'UndecoratedStore is registered with CacheWorkerModule.forFeature but has no @CacheWorker({ bucket }) decorator',
    );
  });

  it.each([
    ['undefined (as a circular import makes it)', undefined, 'undefined'],
    ['a string', 'WidgetStore', '"WidgetStore"'],
    ['an object without a store', { stroe: class WidgetStore {} }, 'an object without a "store" class'],
    ['an object whose store is undefined', { store: undefined, refreshInterval: 5 }, 'an object without a "store" class'],
  ])('a forFeature entry that is %s is a clear error, naming its index', (_name, entry, what) => {
    const Valid = storeWith({ bucket: 'valid' });
    expect(() => CacheWorkerModule.forFeature([Valid, entry as never])).toThrow(
      `CacheWorkerModule.forFeature: entry 1 is ${what}; expected a class decorated with @CacheWorker, or { store: TheClass, ...overrides }`,
    );
    expect(() => CacheWorkerModule.forFeature([entry as never])).toThrow(CacheWorkerConfigError);
  });

  it('a decorated class that does not extend CacheWorkerStore fails bootstrap', async () => {
    @CacheWorker({ bucket: 'impostor' })
    class Impostor {
      load() {
        return { ok: true, value: 1 };
      }
    }
    await expectBootstrapError(
      [CacheWorkerModule.forFeature([Impostor as never])],
      'Impostor is decorated with @CacheWorker but does not extend CacheWorkerStore',
    );
  });

  it('a missing dependency fails with Nest’s error and the hint to add the module to forFeature imports', async () => {
    @Injectable()
    class WidgetApi {}
    @Module({ providers: [WidgetApi], exports: [WidgetApi] })
    class WidgetApiModule {}

    @CacheWorker({ bucket: 'needy' })
    class NeedyStore extends CacheWorkerStore<string, string> {
      constructor(readonly api: WidgetApi) {
        super();
      }
      load(key: string): LoadResult<string> {
        return { ok: true, value: key };
      }
    }

    const failure = bootApp([CacheWorkerModule.forFeature([NeedyStore])]);
    await expect(failure).rejects.toThrow(
      'cache worker "needy": NeedyStore can\'t be created: a dependency is missing. Add the module that provides it ' +
        'to CacheWorkerModule.forFeature([NeedyStore], { imports: [...] }).',
    );
    await expect(failure).rejects.toThrow(/Nest can't resolve dependencies of the NeedyStore \(\?\)/);
    await expect(failure).rejects.toThrow(/WidgetApi/);

    const app = await bootApp([CacheWorkerModule.forFeature([NeedyStore], { imports: [WidgetApiModule] })]);
    expect(app.get(NeedyStore).api).toBeInstanceOf(WidgetApi);
    await app.close();
  });

  it('a store sees global providers without imports', async () => {
    @Injectable()
    class Clock {}
    const GlobalModule = { module: class ClockModule {}, global: true, providers: [Clock], exports: [Clock] };
    @CacheWorker({ bucket: 'global-dep' })
    class ClockStore extends CacheWorkerStore<string, string> {
      constructor(readonly clock: Clock) {
        super();
      }
      load(key: string): LoadResult<string> {
        return { ok: true, value: key };
      }
    }
    const app = await bootApp([GlobalModule, CacheWorkerModule.forFeature([ClockStore])]);
    expect(app.get(ClockStore).clock).toBeInstanceOf(Clock);
    await app.close();
  });

  it('a store used without registration says how to register it', () => {
    class LooseStore extends CacheWorkerStore<string, string> {
      load(key: string): LoadResult<string> {
        return { ok: true, value: key };
      }
    }
    expect(() => new LooseStore().peek('a')).toThrow('LooseStore is not registered: add it to CacheWorkerModule.forFeature([...])');
  });
});
