import 'reflect-metadata';
import { Injectable, type INestApplication, type Type } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  CacheWorker,
  CacheWorkerModule,
  CacheWorkerStore,
  type CacheWorkerEvictedEvent,
  type CacheWorkerOptions,
  type LoadResult,
} from '../../../lib/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';

/** What a test source answers for a key; by default `{ ok: true, value: 'v<n>-<key>' }`, n counting its loads. */
export type Answer = (key: string, load: number) => LoadResult<string, string> | Promise<LoadResult<string, string>>;

export type LifetimeStoreClass = Type<CacheWorkerStore<string, string>> & { loads: string[] };

/** A store class with `options` (no periodic refresh unless given); a new class per call, so tests don't share metadata. */
export function lifetimeStore(options: CacheWorkerOptions, answer?: Answer): LifetimeStoreClass {
  const loads: string[] = [];
  @CacheWorker({ refreshInterval: null, ...options })
  class LifetimeStore extends CacheWorkerStore<string, string> {
    static readonly loads = loads;
    load(key: string): LoadResult<string, string> | Promise<LoadResult<string, string>> {
      loads.push(key);
      const load = loads.filter((loaded) => loaded === key).length;
      return answer ? answer(key, load) : { ok: true, value: `v${load}-${key}` };
    }
  }
  return LifetimeStore as never;
}

/** Listens to `cache-worker.evicted`, as an app would. */
@Injectable()
export class EvictionListener {
  static readonly events: CacheWorkerEvictedEvent<string>[] = [];
  @OnEvent('cache-worker.evicted')
  onEvicted(event: CacheWorkerEvictedEvent<string>): void {
    EvictionListener.events.push(event);
  }
}

/** Boots and closes real apps for one spec file. */
export function appsOfSpec(): {
  start(Store: Type<CacheWorkerStore<string, string>>, options?: { logger?: RecordingLogger; imports?: unknown[]; providers?: unknown[] }): Promise<{ app: INestApplication; store: CacheWorkerStore<string, string>; logger: RecordingLogger }>;
  closeAll(): Promise<void>;
} {
  const apps: INestApplication[] = [];
  return {
    async start(Store, { logger = new RecordingLogger(), imports = [], providers = [] } = {}) {
      const app = await bootApp([CacheWorkerModule.forFeature([Store]), ...(imports as never[])], logger, providers as never[]);
      apps.push(app);
      return { app, store: app.get(Store), logger };
    },
    async closeAll() {
      for (const app of apps.splice(0)) await app.close();
    },
  };
}
