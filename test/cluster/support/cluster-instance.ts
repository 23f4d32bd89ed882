import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type CacheWorkerClusterOptions, type LoadResult } from '../../../lib/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';

/** What `load` returns: who loaded it, and how many times this instance has loaded that key. */
export interface Item {
  key: string;
  by: string;
  n: number;
}

/** How an instance of the test app is set up. */
export interface InstanceSettings {
  name: string;
  cluster: CacheWorkerClusterOptions;
  refreshInterval: number;
  file?: string;
}

/** What a test sees of one instance, whether it runs in this process or in a child. */
export interface ClusterInstance {
  readonly name: string;
  fetch(key: string): Promise<{ ok: boolean; value?: Item; error?: string }>;
  peek(key: string): Promise<Item | undefined>;
  set(key: string, value: Item): Promise<void>;
  invalidate(key: string): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  /** Calls of `load` per key so far. */
  loads(): Promise<Record<string, number>>;
  stats(): Promise<{ refreshes: number; size: number; startedFrom: string | null }>;
  close(): Promise<void>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD_SCRIPT = join(HERE, 'instance-child.mjs');
const BUILT_LIBRARY = join(HERE, '..', '..', '..', 'dist', 'index.js');

/** The test app in this process: a real Nest application with one bucket, `items`. */
export async function startLocalInstance(
  settings: InstanceSettings,
  logger = new RecordingLogger(),
): Promise<ClusterInstance & { app: INestApplication; logger: RecordingLogger; store: CacheWorkerStore<string, Item> }> {
  const loads: Record<string, number> = {};
  @CacheWorker({ bucket: 'items' })
  class ItemStore extends CacheWorkerStore<string, Item> {
    load(key: string): LoadResult<Item> {
      loads[key] = (loads[key] ?? 0) + 1;
      return { ok: true, value: { key, by: settings.name, n: loads[key] } };
    }
  }
  const app = await bootApp(
    [
      CacheWorkerModule.forRoot({ cluster: settings.cluster }),
      CacheWorkerModule.forFeature([{ store: ItemStore, refreshInterval: settings.refreshInterval, file: settings.file ?? null }]),
    ],
    logger,
  );
  const store = app.get(ItemStore);
  return {
    name: settings.name,
    app,
    logger,
    store,
    fetch: (key) => store.fetch(key),
    peek: async (key) => store.peek(key),
    set: async (key, value) => void store.set(key, value),
    invalidate: async (key) => store.invalidate(key),
    delete: async (key) => store.delete(key),
    loads: async () => ({ ...loads }),
    stats: async () => {
      const { refreshes, size, startedFrom } = store.stats();
      return { refreshes, size, startedFrom };
    },
    close: () => app.close(),
  };
}

/**
 * The same app in a child process, run by a script against the built library (`npm run build`),
 * with `env` added to its environment.
 * `kill()` ends it with SIGKILL: no shutdown hook runs.
 */
export async function startChildInstance(
  settings: InstanceSettings,
  env: NodeJS.ProcessEnv = {},
): Promise<ClusterInstance & { kill(): Promise<void> }> {
  if (!existsSync(BUILT_LIBRARY)) throw new Error(`the built library is missing (${BUILT_LIBRARY}): run npm run build first`);
  const child = fork(CHILD_SCRIPT, [JSON.stringify(settings)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const pending = new Map<number, (reply: { result?: unknown; error?: string }) => void>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`child instance exited during startup (code ${code}, signal ${signal})`)));
    child.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) resolve();
      else if (message.id !== undefined) pending.get(message.id)?.(message);
    });
  });
  const call = <T>(op: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (reply) => {
        pending.delete(id);
        if (reply.error !== undefined) reject(new Error(reply.error));
        else resolve(reply.result as T);
      });
      child.send({ id, op, args });
    });
  return {
    name: settings.name,
    fetch: (key) => call('fetch', key),
    peek: (key) => call('peek', key),
    set: (key, value) => call('set', key, value),
    invalidate: (key) => call('invalidate', key),
    delete: (key) => call('delete', key),
    loads: () => call('loads'),
    stats: () => call('stats'),
    close: async () => {
      if (!isRunning(child)) return;
      await call('close');
      await exited;
    },
    kill: async () => {
      if (!isRunning(child)) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
