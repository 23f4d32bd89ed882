import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { join } from 'node:path';
import {
  CACHE_WORKER_EVENTS,
  CacheWorkerModule,
  type CacheWorkerDumpedEvent,
  type CacheWorkerLoadedEvent,
  type CacheWorkerLoadFailedEvent,
  type CacheWorkerRefreshedEvent,
} from '../../../lib/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';
import { Source, sourceStore } from '../support/source.js';

@Injectable()
class CacheEventsListener {
  readonly received: Array<{ name: string; payload: unknown }> = [];

  @OnEvent('cache-worker.*')
  onAny(payload: unknown) {
    this.received.push({ name: 'any', payload });
  }

  @OnEvent(CACHE_WORKER_EVENTS.loaded)
  onLoaded(payload: CacheWorkerLoadedEvent) {
    this.received.push({ name: CACHE_WORKER_EVENTS.loaded, payload });
  }

  @OnEvent(CACHE_WORKER_EVENTS.loadFailed)
  onLoadFailed(payload: CacheWorkerLoadFailedEvent) {
    this.received.push({ name: CACHE_WORKER_EVENTS.loadFailed, payload });
  }

  @OnEvent(CACHE_WORKER_EVENTS.refreshed)
  onRefreshed(payload: CacheWorkerRefreshedEvent) {
    this.received.push({ name: CACHE_WORKER_EVENTS.refreshed, payload });
  }

  @OnEvent(CACHE_WORKER_EVENTS.dumped)
  onDumped(payload: CacheWorkerDumpedEvent) {
    this.received.push({ name: CACHE_WORKER_EVENTS.dumped, payload });
    if ((payload as CacheWorkerDumpedEvent).entries === 99) throw new Error('never thrown: a guard for the type');
  }

  named(name: string) {
    return this.received.filter((event) => event.name === name).map((event) => event.payload);
  }
}

describe('events through @nestjs/event-emitter', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => (temp = await makeTempDir()));
  afterAll(() => temp.remove());

  it('emits loaded, load-failed, refreshed and dumped with the bucket in every payload', async () => {
    const source = new Source();
    const Store = sourceStore({ bucket: 'events', refreshInterval: null, file: join(temp.dir, 'events.dump') }, source);
    const app: INestApplication = await bootApp(
      [EventEmitterModule.forRoot({ wildcard: true }), CacheWorkerModule.forFeature([Store])],
      new RecordingLogger(),
      [CacheEventsListener],
    );
    const listener = app.get(CacheEventsListener);
    const store = app.get(Store);
    await store.fetch('a');
    source.down = true;
    await store.fetch('b');
    source.down = false;
    await store.fullRefresh();

    expect(listener.named(CACHE_WORKER_EVENTS.loaded)).toEqual([
      { bucket: 'events', key: 'a', durationMs: expect.any(Number) },
      { bucket: 'events', key: 'a', durationMs: expect.any(Number) },
    ]);
    expect(listener.named(CACHE_WORKER_EVENTS.loadFailed)).toEqual([
      { bucket: 'events', key: 'b', error: 'source is down', durationMs: expect.any(Number) },
    ]);
    expect(listener.named(CACHE_WORKER_EVENTS.refreshed)).toEqual([
      { bucket: 'events', refreshed: 1, failed: 0, skipped: 0, durationMs: expect.any(Number) },
    ]);
    expect(listener.named(CACHE_WORKER_EVENTS.dumped)).toEqual([
      { bucket: 'events', entries: 1, bytes: expect.any(Number), durationMs: expect.any(Number), leftOut: 0 },
    ]);
    expect(listener.named('any')).toHaveLength(5); // the wildcard sees each event once
    await app.close();
  });

  it('keeps serving when a listener throws', async () => {
    const Store = sourceStore({ bucket: 'throwing-listener', refreshInterval: null }, new Source());
    @Injectable()
    class ThrowingListener {
      @OnEvent(CACHE_WORKER_EVENTS.loaded)
      onLoaded() {
        throw new Error('listener bug');
      }
    }
    const logger = new RecordingLogger();
    const app = await bootApp([EventEmitterModule.forRoot(), CacheWorkerModule.forFeature([Store])], logger, [ThrowingListener]);
    expect(await app.get(Store).fetch('a')).toEqual({ ok: true, value: 'a@v1', loaded: true });
    expect(app.get(Store).peek('a')).toBe('a@v1');
    await waitFor(() => logger.lines.some((line) => line.message.includes('listener bug')), 'the listener error to be logged');
    await app.close();
  });

  it('stays silent, and the app boots, when EventEmitterModule is not imported', async () => {
    const Store = sourceStore({ bucket: 'no-emitter', refreshInterval: null }, new Source());
    const app = await bootApp([CacheWorkerModule.forFeature([Store])]);
    expect(await app.get(Store).fetch('a')).toEqual({ ok: true, value: 'a@v1', loaded: true });
    await app.close();
  });
});
