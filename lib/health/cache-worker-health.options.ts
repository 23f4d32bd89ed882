import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import * as messages from '../cache-worker.messages.js';

/** Options of `CacheWorkerHealthModule.forRoot`. */
export interface CacheWorkerHealthOptions {
  /** A bucket is down when this many full refreshes in a row failed every key. Default 3. */
  failedRefreshes?: number;
  /**
   * A bucket with a dump file is down when no dump was written for this long (ms). By default three
   * refresh intervals for a bucket that refreshes periodically (every refresh writes a dump), and no
   * limit for the others; `null` means no limit for every bucket.
   */
  maxDumpAge?: number | null;
}

/** Injection token of the health options. */
export const CACHE_WORKER_HEALTH_OPTIONS = Symbol('nest-cache-worker:health-options');

/** Default number of failed refreshes in a row that makes a bucket down. */
export const DEFAULT_FAILED_REFRESHES = 3;

/** How many refresh intervals a dump may be old, by default, before its bucket is down. */
export const DEFAULT_DUMP_AGE_INTERVALS = 3;

const MODULE = 'CacheWorkerHealthModule';

/** Checks the options at bootstrap, naming the field that is wrong. */
export function checkHealthOptions(options: CacheWorkerHealthOptions): CacheWorkerHealthOptions {
  const { failedRefreshes, maxDumpAge } = options;
  if (failedRefreshes !== undefined && !(Number.isInteger(failedRefreshes) && failedRefreshes >= 1)) {
    throw new CacheWorkerConfigError(
      messages.invalidIntegrationOption(MODULE, 'failedRefreshes', 'a whole number of at least 1', failedRefreshes),
    );
  }
  if (maxDumpAge !== undefined && maxDumpAge !== null && !(Number.isInteger(maxDumpAge) && maxDumpAge > 0)) {
    throw new CacheWorkerConfigError(
      messages.invalidIntegrationOption(MODULE, 'maxDumpAge', 'a positive whole number of milliseconds, or null', maxDumpAge),
    );
  }
  return options;
}
