import { CacheWorker, CacheWorkerModule } from '../../lib/index.js';
import { WidgetStore } from './widget.store.js';

// Compiled by `npm run typecheck`, never run: bad options are compile errors, not runtime surprises.

// @ts-expect-error `refresh` is not an option of `@CacheWorker`
@CacheWorker({ bucket: 'unknown-option', refresh: 1_000 })
export class UnknownOption {}

// @ts-expect-error every store names its bucket
@CacheWorker({ refreshInterval: 1_000 })
export class NoBucket {}

// @ts-expect-error `refreshInterval` is a number of milliseconds
@CacheWorker({ bucket: 'wrong-type', refreshInterval: '1m' })
export class WrongType {}

export const overrides = [
  CacheWorkerModule.forFeature([WidgetStore, { store: WidgetStore, file: null, refreshInterval: 5_000 }]),
  // @ts-expect-error an override has the type of its setting
  CacheWorkerModule.forFeature([{ store: WidgetStore, refreshInterval: '5s' }]),
  // @ts-expect-error an override must be a known setting
  CacheWorkerModule.forFeature([{ store: WidgetStore, refreshIntervall: 5_000 }]),
  // @ts-expect-error the bucket is named in `@CacheWorker` only
  CacheWorkerModule.forFeature([{ store: WidgetStore, bucket: 'renamed' }]),
  // @ts-expect-error only classes that extend `CacheWorkerStore` are stores
  CacheWorkerModule.forFeature([UnknownOption]),
  // @ts-expect-error a definition's `store` is a store class too
  CacheWorkerModule.forFeature([{ store: UnknownOption }]),
  // @ts-expect-error `forRoot` defaults are settings too
  CacheWorkerModule.forRoot({ defaults: { cacheEnabled: 'yes' } }),
  // @ts-expect-error per-bucket overrides are settings too
  CacheWorkerModule.forRoot({ buckets: { 'typed-widgets': { dumpDelay: -1, unknown: true } } }),
];
