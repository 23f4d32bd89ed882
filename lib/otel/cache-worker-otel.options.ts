import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import * as messages from '../cache-worker.messages.js';

/** Options of `CacheWorkerOtelModule.forRoot`. */
export interface CacheWorkerOtelOptions {
  /** Spans of loads, full refreshes, dumps and snapshots, when a tracer provider is registered. Default `true`. */
  spans?: boolean;
  /** Metrics through the meter API, when a meter provider is registered. Default `true`. */
  metrics?: boolean;
  /**
   * `true`: every span carries the key as the short hash the logs show for a bucket with `redactKeys`.
   * Default: the key as it is, hashed for the buckets whose own `redactKeys` is `true`.
   */
  redactKeys?: boolean;
  /**
   * `true`: a span for each key a full refresh loads, as a child of the refresh's span. Default
   * `false`: the refresh span carries the counts, so that a bucket of many keys doesn't make as many
   * spans every refresh.
   */
  refreshLoadSpans?: boolean;
}

/** Injection token of the OpenTelemetry options. */
export const CACHE_WORKER_OTEL_OPTIONS = Symbol('nest-cache-worker:otel-options');

const MODULE = 'CacheWorkerOtelModule';

/** Checks the options at bootstrap, naming the field that is wrong. */
export function checkOtelOptions(options: CacheWorkerOtelOptions): CacheWorkerOtelOptions {
  if (typeof options !== 'object' || options === null) {
    throw new CacheWorkerConfigError(messages.invalidIntegrationOption(MODULE, 'options', 'an object', options));
  }
  for (const [field, value] of Object.entries(options)) {
    if (!OPTION_FIELDS.has(field)) {
      throw new CacheWorkerConfigError(messages.unknownIntegrationOption(MODULE, field, [...OPTION_FIELDS]));
    }
    if (value !== undefined && typeof value !== 'boolean') {
      throw new CacheWorkerConfigError(messages.invalidIntegrationOption(MODULE, field, 'true or false', value));
    }
  }
  return options;
}

const OPTION_FIELDS = new Set<string>(['spans', 'metrics', 'redactKeys', 'refreshLoadSpans'] satisfies Array<keyof CacheWorkerOtelOptions>);
