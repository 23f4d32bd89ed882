import { Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { CACHE_WORKER_METADATA } from '../cache-worker.constants.js';
import type { CacheWorkerOptions } from '../interfaces/cache-worker-config.interface.js';

/**
 * Marks a class extending `CacheWorkerStore` as the cache worker of one bucket, with its settings.
 * The class is injectable: its constructor takes dependencies like any Nest provider.
 *
 * @example
 * ```ts
 * @CacheWorker({ bucket: 'widgets', file: '/tmp/widget-dump', refreshInterval: 60_000 })
 * export class WidgetStore extends CacheWorkerStore<string, Widget> { ... }
 * ```
 */
export function CacheWorker(options: CacheWorkerOptions): ClassDecorator {
  return applyDecorators(SetMetadata(CACHE_WORKER_METADATA, options), Injectable());
}
