import { SETTING_NAMES } from '../cache-worker.constants.js';
import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import type { CacheWorkerSettings } from '../interfaces/cache-worker-config.interface.js';
import * as messages from '../cache-worker.messages.js';
import { settingFromText } from './settings-from-text.js';

/** Longest delay Node's timers accept. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type Check = (value: unknown) => string | null;

const durationMs = (allowNull: boolean): Check => (value) =>
  (value === null && allowNull) || (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TIMER_MS)
    ? null
    : `a whole number of milliseconds from 0 to ${MAX_TIMER_MS}${allowNull ? ', or null' : ''}`;

/** A duration that is off when null: at least 1 ms, since 0 would expire or reload on every read. */
const lifetimeMs: Check = (value) =>
  value === null || (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_TIMER_MS)
    ? null
    : `a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, or null`;

const count = (allowNull: boolean): Check => (value) =>
  (value === null && allowNull) || (Number.isInteger(value) && (value as number) >= 1)
    ? null
    : `a whole number of at least 1${allowNull ? ', or null' : ''}`;

const boolean: Check = (value) => (typeof value === 'boolean' ? null : 'true or false');

/** One check per field; each returns what was expected, or null when the value is valid. */
const CHECKS: Record<keyof CacheWorkerSettings, Check> = {
  file: (value) => (value === null || (typeof value === 'string' && value.trim() !== '') ? null : 'a non-empty path, or null'),
  refreshInterval: durationMs(true),
  cacheEnabled: boolean,
  refreshConcurrency: count(false),
  loadTimeout: durationMs(false),
  batchSize: count(false),
  batchDelay: durationMs(false),
  shutdownTimeout: durationMs(false),
  dumpDelay: durationMs(false),
  redactKeys: boolean,
  cluster: boolean,
  maxEntries: count(true),
  maxWeight: (value) =>
    value === null || (typeof value === 'number' && Number.isFinite(value) && value > 0) ? null : 'a finite number greater than 0, or null',
  maxAge: lifetimeMs,
  expireAfterIdle: lifetimeMs,
  refreshAfter: lifetimeMs,
  failureBackoff: durationMs(false),
};

/**
 * Checks an entry's own age (`maxAge` of a load result or of `set`, `retryAfter` of a failed load):
 * whole milliseconds from 0, or null/undefined for none. Returns what was expected, or null when valid.
 */
export function checkEntryAge(value: unknown): string | null {
  return value === undefined ? null : durationMs(true)(value);
}

/** Checks a per-call `timeout` option, which follows the rule of `loadTimeout`; returns the error, or null. */
export function checkTimeoutOption(bucket: string, value: unknown): string | null {
  const expected = CHECKS.loadTimeout(value);
  return expected === null ? null : messages.invalidOption(bucket, 'timeout', expected, value);
}

/**
 * Checks one step of the cascade before it is merged: an object, with known fields only, and no
 * bucket name (which only `@CacheWorker` sets). Fields set to `undefined` are left out. With
 * `fromText`, numbers and booleans given as text (environment variables) are read as such.
 */
export function checkLayer(bucket: string, layer: unknown, source: string, fromText = false): Partial<CacheWorkerSettings> {
  if (layer === undefined || layer === null) return {};
  if (typeof layer !== 'object' || Array.isArray(layer)) throw new CacheWorkerConfigError(messages.notAnObject(bucket, source));
  const settings: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(layer)) {
    if (field === 'bucket') throw new CacheWorkerConfigError(messages.bucketOverride(bucket, source));
    if (!SETTING_NAMES.has(field)) throw new CacheWorkerConfigError(messages.unknownField(bucket, field, source));
    if (value !== undefined) settings[field] = fromText ? settingFromText(field as keyof CacheWorkerSettings, value) : value;
  }
  return settings as Partial<CacheWorkerSettings>;
}

/** Checks every field of merged settings; throws naming the bucket and the first invalid field. */
export function checkSettings(bucket: string, settings: CacheWorkerSettings): void {
  for (const field of Object.keys(CHECKS) as (keyof CacheWorkerSettings)[]) {
    const expected = CHECKS[field](settings[field]);
    if (expected !== null) throw new CacheWorkerConfigError(messages.invalidField(bucket, field, expected, settings[field]));
  }
}
