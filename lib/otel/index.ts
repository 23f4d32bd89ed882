/**
 * OpenTelemetry spans and metrics of the cache workers (needs the optional peer `@opentelemetry/api`).
 *
 * @packageDocumentation
 * @module nest-cache-worker/otel
 */
export * from './cache-worker-otel.module.js';
export * from './cache-worker.otel.js';
export { CACHE_WORKER_OTEL_OPTIONS, type CacheWorkerOtelOptions } from './cache-worker-otel.options.js';
export { CACHE_WORKER_ATTRIBUTES, CACHE_WORKER_SPANS } from './cache-worker.otel-names.js';
