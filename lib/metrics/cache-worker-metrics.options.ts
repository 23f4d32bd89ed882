import type { Registry } from 'prom-client';
import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import * as messages from '../cache-worker.messages.js';

/** Options of `CacheWorkerMetricsModule.forRoot`. */
export interface CacheWorkerMetricsOptions {
  /**
   * The registry the metrics are registered in. Default: prom-client's global registry, the one
   * `@willsoto/nestjs-prometheus` serves at `/metrics`.
   */
  registry?: Registry;
  /** Prefix of every metric name. Default `cache_worker_`. */
  prefix?: string;
}

/** Injection token of the metrics options. */
export const CACHE_WORKER_METRICS_OPTIONS = Symbol('nest-cache-worker:metrics-options');

/** Default prefix of the metric names. */
export const DEFAULT_METRICS_PREFIX = 'cache_worker_';

/** Checks the options at bootstrap, naming the field that is wrong. */
export function checkMetricsOptions(options: CacheWorkerMetricsOptions): CacheWorkerMetricsOptions {
  const { prefix } = options;
  if (prefix !== undefined && !(typeof prefix === 'string' && /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix))) {
    throw new CacheWorkerConfigError(
      messages.invalidIntegrationOption('CacheWorkerMetricsModule', 'prefix', 'a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)', prefix),
    );
  }
  return options;
}
