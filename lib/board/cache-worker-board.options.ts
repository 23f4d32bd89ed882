import type { CanActivate, Type } from '@nestjs/common';
import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import * as messages from '../cache-worker.messages.js';

/** Options of `CacheWorkerBoardModule.forRoot`. */
export interface CacheWorkerBoardOptions {
  /** Where the board is served: the page at `path`, its JSON API under `path/api`. Default `/cache-worker`. */
  path?: string;
  /** `false` adds the buttons and POST routes that refresh, dump, invalidate a key and clear. Default `true`. */
  readOnly?: boolean;
  /** `true` shows the value found by a key lookup. Default `false`: values never leave the process. */
  showValues?: boolean;
  /**
   * A Nest guard (a class, resolved in the board's module, or an instance) that every request to the
   * board must pass: the page, the API and the actions.
   */
  guard?: Type<CanActivate> | CanActivate;
  /** How often (ms) the charts' data is sampled; the last hour of samples is kept. Default `10000`. */
  sampleInterval?: number;
}

/** The options with every default applied. */
export interface ResolvedBoardOptions {
  path: string;
  readOnly: boolean;
  showValues: boolean;
  guard: Type<CanActivate> | CanActivate | null;
  sampleInterval: number;
}

/** Injection token of the resolved board options. */
export const CACHE_WORKER_BOARD_OPTIONS = Symbol('nest-cache-worker:board-options');

/** The defaults of `CacheWorkerBoardModule.forRoot`. */
export const DEFAULT_BOARD_OPTIONS: Readonly<Required<Omit<CacheWorkerBoardOptions, 'guard'>>> = Object.freeze({
  path: '/cache-worker',
  readOnly: true,
  showValues: false,
  sampleInterval: 10_000,
});

/** How much history the charts keep. */
export const BOARD_HISTORY_MS = 60 * 60 * 1000;

/** The shortest sample interval: a faster one would only make the page heavier. */
export const MIN_SAMPLE_INTERVAL = 1000;

const MODULE = 'CacheWorkerBoardModule';
const FIELDS = ['path', 'readOnly', 'showValues', 'guard', 'sampleInterval'] as const;
/** Segments of letters, digits and `-._~`: no route parameters or wildcards. */
const PATH_PATTERN = /^(\/[A-Za-z0-9._~-]+)+$/;

/** Checks the options at bootstrap, naming the field that is wrong, and applies the defaults. */
export function resolveBoardOptions(options: unknown): ResolvedBoardOptions {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new CacheWorkerConfigError(messages.invalidIntegrationOption(MODULE, field, expected, value));
  };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CacheWorkerConfigError(messages.integrationOptionsNotObject(MODULE, options));
  }
  for (const field of Object.keys(options)) {
    if (!(FIELDS as readonly string[]).includes(field)) {
      throw new CacheWorkerConfigError(messages.unknownIntegrationOption(MODULE, field, FIELDS));
    }
  }
  const given = options as CacheWorkerBoardOptions;
  const path = given.path ?? DEFAULT_BOARD_OPTIONS.path;
  if (typeof path !== 'string' || !PATH_PATTERN.test(path)) {
    fail('path', 'a path such as "/cache-worker" (segments of letters, digits and -._~, no trailing slash)', path);
  }
  const readOnly = given.readOnly ?? DEFAULT_BOARD_OPTIONS.readOnly;
  if (typeof readOnly !== 'boolean') fail('readOnly', 'true or false', readOnly);
  const showValues = given.showValues ?? DEFAULT_BOARD_OPTIONS.showValues;
  if (typeof showValues !== 'boolean') fail('showValues', 'true or false', showValues);
  const guard = given.guard ?? null;
  if (guard !== null && typeof guard !== 'function' && typeof (guard as Partial<CanActivate>).canActivate !== 'function') {
    fail('guard', 'a guard class or an object with a canActivate method', guard);
  }
  const sampleInterval = given.sampleInterval ?? DEFAULT_BOARD_OPTIONS.sampleInterval;
  if (!Number.isInteger(sampleInterval) || sampleInterval < MIN_SAMPLE_INTERVAL || sampleInterval > BOARD_HISTORY_MS) {
    fail('sampleInterval', `a whole number of milliseconds from ${MIN_SAMPLE_INTERVAL} to ${BOARD_HISTORY_MS}`, sampleInterval);
  }
  return { path, readOnly, showValues, guard, sampleInterval };
}
