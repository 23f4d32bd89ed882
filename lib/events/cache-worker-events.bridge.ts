import { type FactoryProvider, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CacheWorkerRegistry } from '../cache-worker.registry.js';
import { engineOf } from '../store/cache-worker.store.js';
import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { CACHE_WORKER_EVENTS } from './cache-worker.events.js';

/** What the bridge needs of `EventEmitter2`. */
interface EventEmitterLike {
  emit(event: string, payload: unknown): unknown;
  hasListeners?(event: string): boolean;
}

type EmitterClass = abstract new (...args: never[]) => EventEmitterLike;

/**
 * Emits the cache worker events through the application's `EventEmitter2`. It switches on by
 * itself: when `@nestjs/event-emitter` is installed and the app imports `EventEmitterModule.forRoot()`.
 * The peer is loaded with a dynamic import, so the library loads without it.
 */
export class CacheWorkerEventsBridge implements OnModuleInit {
  private readonly logger = new Logger('CacheWorker');

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly registry: CacheWorkerRegistry,
    private readonly emitterClass: EmitterClass | null,
  ) {}

  onModuleInit(): void {
    const emitter = this.findEmitter();
    if (!emitter) return;
    for (const store of this.registry.getStores()) {
      const { bucket } = store;
      const emit = (event: string, payload: object) => {
        try {
          emitter.emit(event, { bucket, ...payload });
        } catch (error) {
          // A synchronous listener that throws must not reach the load or the dump that emitted.
          this.logger.warn(messages.eventsListenerThrew(event, describeError(error)));
        }
      };
      engineOf(store).observe({
        loaded: (key, durationMs) => emit(CACHE_WORKER_EVENTS.loaded, { key, durationMs }),
        loadFailed: (key, error, durationMs) => emit(CACHE_WORKER_EVENTS.loadFailed, { key, error, durationMs }),
        batchLoaded: (batch) => emit(CACHE_WORKER_EVENTS.batchLoaded, batch),
        refreshed: (result) => emit(CACHE_WORKER_EVENTS.refreshed, result),
        dumped: (result) => {
          const { ok: _ok, ...payload } = result;
          emit(CACHE_WORKER_EVENTS.dumped, payload);
        },
        dumpFailed: (error) => emit(CACHE_WORKER_EVENTS.dumpFailed, { error }),
        snapshotApplied: (applied) => emit(CACHE_WORKER_EVENTS.snapshotApplied, applied),
        // A full bucket may evict on every miss: no payload is built while no listener would get it.
        evicted: (key, cause) => {
          if (emitter.hasListeners?.(CACHE_WORKER_EVENTS.evicted) !== false) emit(CACHE_WORKER_EVENTS.evicted, { key, cause });
        },
      });
    }
  }

  private findEmitter(): EventEmitterLike | null {
    if (!this.emitterClass) return null;
    try {
      return this.moduleRef.get(this.emitterClass, { strict: false });
    } catch {
      return null; // installed, but the app does not import EventEmitterModule
    }
  }
}

/** The bridge, created once `@nestjs/event-emitter` is imported (or found missing). */
export const eventsBridgeProvider: FactoryProvider<CacheWorkerEventsBridge> = {
  provide: CacheWorkerEventsBridge,
  inject: [ModuleRef, CacheWorkerRegistry],
  useFactory: async (moduleRef: ModuleRef, registry: CacheWorkerRegistry) =>
    new CacheWorkerEventsBridge(moduleRef, registry, await importEmitterClass()),
};

async function importEmitterClass(): Promise<EmitterClass | null> {
  try {
    return (await import('@nestjs/event-emitter')).EventEmitter2 as unknown as EmitterClass;
  } catch {
    return null;
  }
}
