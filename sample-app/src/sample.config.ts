import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheWorkerClusterOptions, CacheWorkerSettings } from 'nest-cache-worker';
import type { CacheWorkerBoardOptions } from 'nest-cache-worker/board';

/** Port the sample listens on unless `PORT` says otherwise. */
export const DEFAULT_PORT = 3000;

/** Where the widget dump lives unless `WIDGET_DUMP_FILE` says otherwise: the system temp folder. */
export const DEFAULT_DUMP_FILE = join(tmpdir(), 'nest-cache-worker-widgets.dump');

/** Full refresh period of the widgets unless `WIDGET_REFRESH_MS` says otherwise. */
export const DEFAULT_REFRESH_MS = 60_000;

type Env = Record<string, string | undefined>;

/** The port from `PORT` (`0` picks a free one). */
export function listenPort(env: Env = process.env): number {
  return wholeNumber(env, 'PORT') ?? DEFAULT_PORT;
}

/**
 * The runtime overrides of the `widgets` bucket from `WIDGET_DUMP_FILE` and `WIDGET_REFRESH_MS`; only
 * the variables that are set override the `@CacheWorker` settings.
 */
export function widgetOverrides(env: Env = process.env): Partial<CacheWorkerSettings> {
  const overrides: Partial<CacheWorkerSettings> = {};
  if (env.WIDGET_DUMP_FILE) overrides.file = env.WIDGET_DUMP_FILE;
  const refreshInterval = wholeNumber(env, 'WIDGET_REFRESH_MS');
  if (refreshInterval !== undefined) overrides.refreshInterval = refreshInterval;
  return overrides;
}

/** Cluster mode from `REDIS_URL` (and `CACHE_NAMESPACE`); unset, this instance works alone. */
export function clusterOptions(env: Env = process.env): CacheWorkerClusterOptions | undefined {
  if (!env.REDIS_URL) return undefined;
  return { redis: env.REDIS_URL, ...(env.CACHE_NAMESPACE ? { namespace: env.CACHE_NAMESPACE } : {}) };
}

/**
 * The cache board at `/cache-worker`: read-only unless `CACHE_BOARD_WRITABLE=1`; `CACHE_BOARD_SAMPLE_MS`
 * sets how often its charts are sampled. Read when the app module loads, that is at startup.
 */
export function boardOptions(env: Env = process.env): CacheWorkerBoardOptions {
  const sampleInterval = wholeNumber(env, 'CACHE_BOARD_SAMPLE_MS');
  return { readOnly: env.CACHE_BOARD_WRITABLE !== '1', ...(sampleInterval !== undefined ? { sampleInterval } : {}) };
}

function wholeNumber(env: Env, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`environment variable ${name} must be a whole number, got "${text}"`);
  return Number(text);
}
