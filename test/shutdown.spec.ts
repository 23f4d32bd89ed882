import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { join } from 'node:path';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadContext, type LoadResult } from '../lib/index.js';
import { bootApp } from './support/nest-app.js';
import { RecordingLogger } from './support/recording-logger.js';
import { makeTempDir } from './support/temp-dir.js';
import { trackOpenHandles } from './support/open-handles.js';
import { waitFor } from './support/wait-for.js';

/** What the loads of the test store do, decided per test. */
const behaviour = {
  started: [] as string[],
  signals: [] as AbortSignal[],
  cleanedUp: false,
  /** How a load ends: honour its signal (and clean up a moment later), or never settle. */
  mode: 'honours-signal' as 'honours-signal' | 'ignores-signal' | 'instant',
};

@CacheWorker({ bucket: 'slow', loadTimeout: 0, refreshInterval: 50 })
class SlowStore extends CacheWorkerStore<string, string> {
  load(key: string, { signal }: LoadContext): LoadResult<string> | Promise<LoadResult<string>> {
    behaviour.started.push(key);
    behaviour.signals.push(signal);
    if (behaviour.mode === 'instant') return { ok: true, value: `value ${key}` };
    if (behaviour.mode === 'ignores-signal') return new Promise(() => undefined);
    return new Promise((resolve) =>
      signal.addEventListener('abort', () =>
        setTimeout(() => {
          behaviour.cleanedUp = true;
          resolve({ ok: false, error: 'aborted by the source client' });
        }, 30),
      ),
    );
  }
}

describe('shutdown', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await makeTempDir());
    Object.assign(behaviour, { started: [], signals: [], cleanedUp: false, mode: 'honours-signal' });
  });
  afterEach(() => remove());

  const boot = (overrides: object = {}, logger?: RecordingLogger) =>
    bootApp([CacheWorkerModule.forFeature([{ store: SlowStore, file: join(dir, 'slow.dump'), ...overrides }])], logger);

  it('app.close() aborts in-flight loads through their signal, waits for them, then writes the final dump', async () => {
    const app = await boot();
    const store = app.get(SlowStore);
    store.set('kept', 'cached before shutdown');
    const pending = store.fetch('in-flight');
    await waitFor(() => behaviour.started.length === 1, 'the load to start');

    await app.close();
    expect(behaviour.signals[0]!.aborted).toBe(true);
    expect(behaviour.cleanedUp).toBe(true);
    expect(await pending).toEqual({ ok: false, error: 'load aborted: the application is shutting down' });
    expect(store.has('in-flight')).toBe(false);

    behaviour.mode = 'instant';
    const restarted = await boot();
    expect(restarted.get(SlowStore).keys()).toEqual(['kept']);
    await restarted.close();
  });

  it('a load that ignores its signal does not hold app.close() past shutdownTimeout', async () => {
    behaviour.mode = 'ignores-signal';
    const logger = new RecordingLogger();
    const app = await boot({ shutdownTimeout: 100 }, logger);
    const store = app.get(SlowStore);
    store.set('kept', 'cached');
    const pending = store.fetch('stuck');
    await waitFor(() => behaviour.started.length === 1, 'the load to start');

    await app.close();
    expect(behaviour.signals[0]!.aborted).toBe(true);
    expect(await pending).toEqual({ ok: false, error: 'load aborted: the application is shutting down' });
    expect(logger.at('warn', '1 loads ignored their abort signal for 100 ms')).toHaveLength(1);

    behaviour.mode = 'instant';
    const restarted = await boot();
    expect(restarted.get(SlowStore).peek('kept')).toBe('cached');
    await restarted.close();
  });

  it('reads after close do not load and store nothing', async () => {
    behaviour.mode = 'instant';
    const app = await boot();
    const store = app.get(SlowStore);
    await app.close();
    expect(await store.fetch('late')).toEqual({ ok: false, error: 'load aborted: the application is shutting down' });
    expect(await store.get('late', { default: 'fallback' })).toBe('fallback');
    expect(behaviour.started).toEqual([]);
    expect(store.has('late')).toBe(false);
  });

  it('stops the refresh: a refresh running at close is drained, and no tick comes after', async () => {
    behaviour.mode = 'instant';
    const app = await boot();
    const store = app.get(SlowStore);
    await store.fetch('a');
    behaviour.mode = 'honours-signal';
    await waitFor(() => behaviour.started.length >= 2, 'a refresh to start loading');
    await app.close();
    expect(behaviour.cleanedUp).toBe(true);
    const loadsAtClose = behaviour.started.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(behaviour.started.length).toBe(loadsAtClose);
    expect(store.peek('a')).toBe('value a');
  });

  it('leaves no timer or handle open (with and without ScheduleModule)', async () => {
    for (const withSchedule of [false, true]) {
      behaviour.mode = 'honours-signal';
      const handles = trackOpenHandles();
      const imports = [
        ...(withSchedule ? [ScheduleModule.forRoot()] : []),
        CacheWorkerModule.forFeature([{ store: SlowStore, file: join(dir, 'handles.dump'), loadTimeout: 60_000, dumpDelay: 60_000 }]),
      ];
      const app = await bootApp(imports);
      const store = app.get(SlowStore);
      store.set('pending dump', 'x');
      void store.fetch('in flight');
      await waitFor(() => behaviour.started.length > 0, 'the load to start');
      expect(handles.stillOpen()).toContain('Timeout'); // the refresh interval and the load timeout
      await app.close();
      await waitFor(() => handles.stillOpen().length === 0, 'every timer and handle to close', 5_000).catch((error: Error) => {
        throw new Error(`${error.message}; still open: ${handles.stillOpen().join(', ')}`);
      });
      handles.stop();
    }
  });

  it('closes cleanly in an app created with NestFactory and shutdown hooks', async () => {
    behaviour.mode = 'instant';
    @Module({ imports: [CacheWorkerModule.forFeature([{ store: SlowStore, file: join(dir, 'factory.dump') }])] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    app.enableShutdownHooks();
    await app.get(SlowStore).fetch('a');
    await app.close();
    const restarted = await NestFactory.createApplicationContext(AppModule, { logger: false });
    expect(restarted.get(SlowStore).peek('a')).toBe('value a');
    await restarted.close();
  });
});
