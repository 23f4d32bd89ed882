import { DEFAULT_SETTINGS } from '../cache-worker.constants.js';
import type { CacheWorkerSettings } from '../interfaces/cache-worker-config.interface.js';

const WHOLE_NUMBER = /^[0-9]+$/;
/** Number fields whose default is `null` (off), so that their kind can't be read from the default. */
const NUMBERS_OFF_BY_DEFAULT: ReadonlySet<keyof CacheWorkerSettings> = new Set(['maxEntries', 'maxWeight', 'maxAge', 'expireAfterIdle', 'refreshAfter']);

/**
 * A setting of `forRoot`/`forRootAsync` given as text, as environment variables reach `ConfigService`: the digits
 * of a whole number for a number field ("2000"), "true" or "false" for a boolean one. Any other value is returned
 * as it is, for the checks to judge.
 */
export function settingFromText(field: keyof CacheWorkerSettings, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const kind = NUMBERS_OFF_BY_DEFAULT.has(field) ? 'number' : typeof DEFAULT_SETTINGS[field];
  if (kind === 'number' && WHOLE_NUMBER.test(value)) return Number(value);
  if (kind === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
