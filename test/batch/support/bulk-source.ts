import type { INestApplication, ModuleMetadata, Type } from '@nestjs/common';
import {
  CacheWorker,
  CacheWorkerBatchStore,
  CacheWorkerModule,
  type CacheWorkerOptions,
  type LoadContext,
} from '../../../lib/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';

/** The value the default answer gives a key. */
export const valueOf = (key: unknown) => `value-${String(key)}`;

/**
 * A bulk source the test controls: it records the keys and the context of every `loadMany` call and
 * answers through `respond` (by default a result for every key, in key order), which a test replaces
 * to answer partly, late, never, or with garbage.
 */
export class BulkSource<K = string> {
  readonly calls: K[][] = [];
  readonly contexts: LoadContext[] = [];
  /** `loadMany` calls not settled yet. */
  inFlight = 0;
  /** The most calls in flight at once. */
  mostInFlight = 0;
  respond: (keys: K[], context: LoadContext) => unknown = (keys) => keys.map((key) => ({ ok: true, value: valueOf(key) }));

  /** Every key asked for, in the order asked. */
  keysAsked(): K[] {
    return this.calls.flat();
  }

  call(keys: K[], context: LoadContext): unknown {
    this.calls.push([...keys]);
    this.contexts.push(context);
    const answer = this.respond(keys, context);
    if (!(answer instanceof Promise)) return answer;
    this.mostInFlight = Math.max(this.mostInFlight, ++this.inFlight);
    return answer.finally(() => this.inFlight--);
  }
}

/** What a test may add to the store besides `loadMany`. */
export interface BulkStoreHooks<K> {
  refreshFilter?: (key: K, newValue: string, oldValue: string) => boolean;
}

/** A store class over `source` (only `loadMany`), decorated with `options`; a new class per call. */
export function bulkStore<K = string>(
  options: CacheWorkerOptions,
  source: BulkSource<K>,
  hooks: BulkStoreHooks<K> = {},
): Type<CacheWorkerBatchStore<K, string>> {
  @CacheWorker(options)
  class BulkStore extends CacheWorkerBatchStore<K, string> {
    loadMany(keys: K[], context: LoadContext) {
      return source.call(keys, context) as never;
    }
  }
  if (hooks.refreshFilter) BulkStore.prototype.refreshFilter = hooks.refreshFilter;
  return BulkStore;
}

/** A Nest application with one bulk store; `providers` go beside it (listeners, say). */
export async function bootBulkApp<K = string>(
  options: CacheWorkerOptions,
  source: BulkSource<K>,
  {
    imports = [],
    providers = [],
    logger = new RecordingLogger(),
    ...hooks
  }: BulkStoreHooks<K> & { imports?: ModuleMetadata['imports']; providers?: ModuleMetadata['providers']; logger?: RecordingLogger } = {},
): Promise<{ app: INestApplication; store: CacheWorkerBatchStore<K, string>; logger: RecordingLogger }> {
  const Store = bulkStore(options, source, hooks);
  const app = await bootApp([...(imports ?? []), CacheWorkerModule.forFeature([Store])], logger, providers);
  return { app, store: app.get(Store), logger };
}
