import { resolve } from 'node:path';
import { DEFAULT_SETTINGS } from '../cache-worker.constants.js';
import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import type { CacheWorkerConfig, CacheWorkerOptions } from '../interfaces/cache-worker-config.interface.js';
import type { CacheWorkerModuleOptions } from '../interfaces/module-options.interface.js';
import * as messages from '../cache-worker.messages.js';
import { checkLayer, checkSettings } from './validate-config.js';

/** Every place a bucket's settings can come from. */
export interface ConfigSources {
  storeName: string;
  /** The options of `@CacheWorker`. */
  decorator: CacheWorkerOptions;
  /** The overrides given with the store to `forFeature`. */
  feature: object | undefined;
  /** The options of `forRoot`/`forRootAsync`, if the app uses it. */
  root: CacheWorkerModuleOptions | undefined;
}

/**
 * The cascade, each step overriding the last: library defaults < forRoot `defaults` <
 * `@CacheWorker` < `forFeature` overrides < forRoot `buckets[bucket]`. Returns the frozen config.
 * The forRoot layers are runtime configuration, often from environment variables: they may give
 * numbers and booleans as text.
 */
export function resolveConfig({ storeName, decorator, feature, root }: ConfigSources): CacheWorkerConfig {
  const bucket = decorator.bucket;
  if (typeof bucket !== 'string' || bucket.trim() === '') throw new CacheWorkerConfigError(messages.emptyBucket(storeName));
  const { bucket: _name, ...decoratorSettings } = decorator;
  const settings = {
    ...DEFAULT_SETTINGS,
    ...checkLayer(bucket, root?.defaults, 'forRoot({ defaults })', true),
    ...checkLayer(bucket, decoratorSettings, '@CacheWorker'),
    ...checkLayer(bucket, feature, 'forFeature'),
    ...checkLayer(bucket, root?.buckets?.[bucket], `forRoot({ buckets: { ${bucket} } })`, true),
  };
  checkSettings(bucket, settings);
  return Object.freeze({ ...settings, bucket, file: settings.file === null ? null : resolve(settings.file) });
}
