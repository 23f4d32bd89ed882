import 'reflect-metadata';
import { createHook } from 'node:async_hooks';
import { join, sep } from 'node:path';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadContext, type LoadResult } from '../../../lib/index.js';
import { readDumpFile } from '../../../lib/store/persistence/dump-file.js';
import { bootApp } from '../../support/nest-app.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { sleep, waitFor } from '../../support/wait-for.js';

/** Loads answer at once while `fast`; otherwise they hang until their signal aborts them. */
class Loads {
  fast = true;
  inFlight = 0;
  sawAbort = 0;

  run(key: string, { signal }: LoadContext): Promise<LoadResult<string>> | LoadResult<string> {
    if (this.fast || key.endsWith(':fast')) return { ok: true, value: `value of ${key}` };
    this.inFlight++;
    return new Promise((resolve) =>
      signal.addEventListener('abort', () => {
        this.sawAbort++;
        this.inFlight--;
        resolve({ ok: false, error: 'aborted' });
      }),
    );
  }
}

function storeOver(loads: Loads, options: { bucket: string; file: string }) {
  @CacheWorker({ ...options, refreshInterval: 60_000, refreshConcurrency: 4, loadTimeout: 0 })
  class ShutdownStore extends CacheWorkerStore<string, string> {
    load(key: string, context: LoadContext) {
      return loads.run(key, context);
    }
  }
  return ShutdownStore;
}

const LIBRARY = join(import.meta.dirname, '..', '..', '..', 'lib') + sep;

/**
 * Follows the timers created from now on; `left()` gives the creation stack of those still active
 * that the library or Nest created. Counting the process's timers would also see those of other test
 * files sharing the process (HTTP keep-alive and the like).
 */
function followTimers() {
  const active = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (type !== 'Timeout') return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40; // deep enough to reach the code that created the timer
      active.set(id, new Error().stack ?? '');
      Error.stackTraceLimit = limit;
    },
    destroy(id) {
      active.delete(id);
    },
  }).enable();
  return {
    async left(): Promise<string[]> {
      await sleep(20);
      await new Promise(setImmediate); // destroy hooks run after the timer is gone
      hook.disable();
      return [...active.values()].filter((stack) => stack.includes(LIBRARY) || stack.includes(`${sep}@nestjs${sep}`));
    },
  };
}

async function dumpedEntries(file: string, bucket: string): Promise<Map<unknown, unknown>> {
  const { flat } = await readDumpFile(file, bucket);
  const entries = new Map<unknown, unknown>();
  for (let i = 0; i < flat.length; i += 2) entries.set(flat[i], flat[i + 1]);
  return entries;
}

const contents = (store: CacheWorkerStore<string, string>) => new Map(store.keys().map((key) => [key, store.peek(key)]));

describe('shutdown', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => (temp = await makeTempDir()));
  afterAll(() => temp.remove());

  it('during a refresh: loads are aborted through their signal, the final dump holds every stored value, no timer is left', async () => {
    const timers = followTimers();
    const loads = new Loads();
    const file = join(temp.dir, 'refreshing.dump');
    const Store = storeOver(loads, { bucket: 'refreshing', file });
    const app = await bootApp([CacheWorkerModule.forFeature([Store])]);
    const store = app.get(Store);
    for (let i = 0; i < 20; i++) await store.fetch(`key-${i}`);

    loads.fast = false;
    const refresh = store.fullRefresh();
    await waitFor(() => loads.inFlight === 4, 'the refresh to have 4 loads in flight');
    store.set('set during the refresh', 'kept');
    await app.close();

    expect(loads.sawAbort).toBe(4);
    expect(loads.inFlight).toBe(0);
    expect(await refresh).toMatchObject({ refreshed: 0, failed: 4 });
    expect(store.size).toBe(21);
    expect(store.peek('key-0')).toBe('value of key-0'); // aborted refresh: the old value stays
    expect(await dumpedEntries(file, 'refreshing')).toEqual(contents(store));
    expect(await timers.left()).toEqual([]);
  });

  it('during a miss storm: waiting callers get an error, every value stored before the close is in the final dump', async () => {
    const timers = followTimers();
    const loads = new Loads();
    loads.fast = false;
    const file = join(temp.dir, 'storm.dump');
    const Store = storeOver(loads, { bucket: 'storm', file });
    const app = await bootApp([CacheWorkerModule.forFeature([Store])]);
    const store = app.get(Store);
    // 200 callers at once: half the keys load at once, the other half hang until shutdown.
    const keys = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? `key-${i}:fast` : `key-${i}:slow`));
    const callers = keys.map((key) => store.fetch(key));
    await waitFor(() => store.size === 100 && loads.inFlight === 100, 'the fast half stored and the slow half in flight');
    await app.close();

    const results = await Promise.all(callers);
    expect(results.filter((result) => result.ok)).toHaveLength(100);
    expect(results.filter((result) => !result.ok)).toHaveLength(100);
    expect(loads.sawAbort).toBe(100);
    expect(store.keys().every((key) => key.endsWith(':fast'))).toBe(true);
    const dumped = await dumpedEntries(file, 'storm');
    expect(dumped.size).toBe(100);
    expect(dumped).toEqual(contents(store));
    expect(await store.fetch('after close')).toEqual({ ok: false, error: expect.stringContaining('shutting down') });
    expect(await timers.left()).toEqual([]);
  });
});
