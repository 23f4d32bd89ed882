import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { join } from 'node:path';
import {
  CacheWorker,
  CacheWorkerModule,
  CacheWorkerStopError,
  CacheWorkerStore,
  type InitResult,
  type LoadResult,
} from '../lib/index.js';
import { bootApp } from './support/nest-app.js';
import { RecordingLogger } from './support/recording-logger.js';
import { makeTempDir } from './support/temp-dir.js';
import { waitFor } from './support/wait-for.js';

/** A source shared by the test and the store: its version changes while the app runs. */
const source = { version: 1 };

@CacheWorker({ bucket: 'ticker', refreshInterval: 40 })
class TickerStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: `${key}@${source.version}` };
  }
}

/** A store whose init the test decides. */
function storeWithInit(init: () => InitResult<string, string> | Promise<InitResult<string, string>>) {
  @CacheWorker({ bucket: 'initialized' })
  class InitStore extends CacheWorkerStore<string, string> {
    load(key: string): LoadResult<string> {
      return { ok: true, value: `loaded ${key}` };
    }
    override init = init;
  }
  return InitStore;
}

describe('startup', () => {
  it('init { stop } fails the application bootstrap with the reason', async () => {
    const Store = storeWithInit(() => ({ stop: 'the price list is required' }));
    const failure = bootApp([CacheWorkerModule.forRoot(), CacheWorkerModule.forFeature([Store])]);
    await expect(failure).rejects.toBeInstanceOf(CacheWorkerStopError);
    await expect(failure).rejects.toThrow('cache worker "initialized": init stopped startup: the price list is required');
  });

  it('an init that throws is logged and the application starts', async () => {
    const logger = new RecordingLogger();
    const Store = storeWithInit(() => {
      throw new Error('seed source unreachable');
    });
    const app = await bootApp([CacheWorkerModule.forFeature([Store])], logger);
    expect(logger.at('warn', 'init threw: seed source unreachable')).toHaveLength(1);
    expect(await app.get(Store).fetch('a')).toEqual({ ok: true, value: 'loaded a', loaded: true });
    await app.close();
  });

  it('init seeds the bucket before the application serves (init seed / warn)', async () => {
    const logger = new RecordingLogger();
    const Seeded = storeWithInit(async () => ({ ok: true, seed: [['a', 'seeded a']] }));
    const app = await bootApp([CacheWorkerModule.forFeature([Seeded])], logger);
    expect(app.get(Seeded).keys()).toEqual(['a']);
    expect(await app.get(Seeded).get('a')).toBe('seeded a');
    await app.close();

    const Warned = storeWithInit(() => ({ warn: 'partial seed' }));
    const warnedApp = await bootApp([CacheWorkerModule.forFeature([Warned])], logger);
    expect(logger.at('warn', 'init: partial seed')).toHaveLength(1);
    await warnedApp.close();
  });

  it('a restarted application is served from the dump without loading or running init', async () => {
    const { dir, remove } = await makeTempDir();
    let loads = 0;
    let inits = 0;
    @CacheWorker({ bucket: 'restart', file: join(dir, 'restart.dump') })
    class RestartStore extends CacheWorkerStore<{ id: number }, Map<string, Date>> {
      load(key: { id: number }): LoadResult<Map<string, Date>> {
        loads++;
        return { ok: true, value: new Map([[`at-${key.id}`, new Date(key.id)]]) };
      }
      override init(): void {
        inits++;
      }
    }
    const first = await bootApp([CacheWorkerModule.forFeature([RestartStore])]);
    await first.get(RestartStore).fetch({ id: 5 });
    await first.close();
    expect([loads, inits]).toEqual([1, 1]);

    const second = await bootApp([CacheWorkerModule.forFeature([RestartStore])]);
    const value = await second.get(RestartStore).get({ id: 5 });
    expect(Object.prototype.toString.call(value)).toBe('[object Map]');
    expect(value!.get('at-5')!.getTime()).toBe(5);
    expect([loads, inits]).toEqual([1, 1]);
    expect(second.get(RestartStore).stats().startedFrom).toBe('dump');
    await second.close();
    await remove();
  });
});

describe('refresh on a short interval', () => {
  beforeEach(() => (source.version = 1));

  it('refreshes values in the background; stats() counts it (without ScheduleModule in the app)', async () => {
    const app = await bootApp([CacheWorkerModule.forFeature([TickerStore])]);
    const store = app.get(TickerStore);
    expect(await store.get('a')).toBe('a@1');
    source.version = 2;
    await waitFor(() => store.peek('a') === 'a@2', 'the background refresh');
    source.version = 3;
    await waitFor(() => store.peek('a') === 'a@3', 'a second refresh');
    const stats = store.stats();
    expect(stats.refreshes).toBeGreaterThanOrEqual(2);
    expect(stats.lastRefreshResult).toEqual({ refreshed: 1, failed: 0, skipped: 0 });
    expect(Object.prototype.toString.call(stats.lastRefreshAt)).toBe('[object Date]');
    await app.close();

    const refreshesAtClose = store.stats().refreshes;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(store.stats().refreshes).toBe(refreshesAtClose);
  });

  it('registers the interval as cache-worker:<bucket> when the app imports ScheduleModule', async () => {
    const app = await bootApp([ScheduleModule.forRoot(), CacheWorkerModule.forFeature([TickerStore])]);
    const scheduler = app.get(SchedulerRegistry);
    expect(scheduler.getIntervals()).toContain('cache-worker:ticker');
    const store = app.get(TickerStore);
    await store.fetch('a');
    source.version = 2;
    await waitFor(() => store.peek('a') === 'a@2', 'the background refresh');
    await app.close();
    expect(scheduler.doesExist('interval', 'cache-worker:ticker')).toBe(false);
  });

  it('works when the app’s module imports ScheduleModule next to a feature module', async () => {
    @Module({ imports: [CacheWorkerModule.forFeature([TickerStore])], exports: [CacheWorkerModule] })
    class TickerModule {}
    const app = await bootApp([ScheduleModule.forRoot(), CacheWorkerModule.forRoot(), TickerModule]);
    expect(app.get(SchedulerRegistry).getIntervals()).toEqual(['cache-worker:ticker']);
    await app.close();
  });

  it('a tick while the previous refresh still runs is skipped and counted', async () => {
    @CacheWorker({ bucket: 'sluggish', refreshInterval: 20 })
    class SluggishStore extends CacheWorkerStore<string, number> {
      running = 0;
      mostAtOnce = 0;
      async load(): Promise<LoadResult<number>> {
        this.mostAtOnce = Math.max(this.mostAtOnce, ++this.running);
        await new Promise((resolve) => setTimeout(resolve, 150));
        this.running--;
        return { ok: true, value: Date.now() };
      }
    }
    const app = await bootApp([CacheWorkerModule.forFeature([SluggishStore])]);
    const store = app.get(SluggishStore);
    store.set('k', 0);
    await waitFor(() => store.stats().refreshes >= 2, 'two refreshes');
    expect(store.stats().refreshesSkipped).toBeGreaterThan(0);
    expect(store.mostAtOnce).toBe(1);
    await app.close();
  });

  it.each([
    ['refreshInterval 0', { refreshInterval: 0 }],
    ['refreshInterval null', { refreshInterval: null }],
    ['cacheEnabled false', { cacheEnabled: false }],
  ])('%s registers no interval', async (_name, overrides) => {
    const app = await bootApp([
      ScheduleModule.forRoot(),
      CacheWorkerModule.forFeature([{ store: TickerStore, ...overrides }]),
    ]);
    expect(app.get(SchedulerRegistry).getIntervals()).toEqual([]);
    await app.close();
  });
});
