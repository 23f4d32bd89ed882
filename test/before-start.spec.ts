import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type CacheWorkerOptions, type InitResult, type LoadResult } from '../lib/index.js';
import { RecordingLogger } from './support/recording-logger.js';
import { makeTempDir } from './support/temp-dir.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => (temp = await makeTempDir()));
afterAll(() => temp.remove());

/** A store of bucket 'early' whose loads are counted; `seedWith` is what its `init` returns. */
function earlyStore(options: Partial<CacheWorkerOptions>, seedWith?: (store: CacheWorkerStore<string, string>) => Promise<InitResult<string, string>>) {
  @CacheWorker({ bucket: 'early', refreshInterval: null, ...options })
  class EarlyStore extends CacheWorkerStore<string, string> {
    static loads: string[] = [];
    load(key: string): LoadResult<string> {
      EarlyStore.loads.push(key);
      return { ok: true, value: `loaded ${key}` };
    }
    override init(): Promise<InitResult<string, string>> | undefined {
      return seedWith?.(this);
    }
  }
  return EarlyStore;
}

/** Creates the app (its providers exist) without initialising it, as `NestFactory.create` does before `init`/`listen`. */
async function createApp(Store: ReturnType<typeof earlyStore>) {
  const moduleRef = await Test.createTestingModule({ imports: [CacheWorkerModule.forFeature([Store])] })
    .setLogger(new RecordingLogger())
    .compile();
  return moduleRef.createNestApplication();
}

/** Writes a dump of bucket 'early' holding `entries`, through a first run of the app. */
async function dumpHolding(file: string, entries: Record<string, string>): Promise<void> {
  const Store = earlyStore({ file });
  const app = await createApp(Store);
  await app.init();
  for (const [key, value] of Object.entries(entries)) app.get(Store).set(key, value);
  await app.close();
}

describe('calls made before the app is initialised', () => {
  it('a read waits for the dump instead of loading a key the dump holds', async () => {
    const file = join(temp.dir, 'read-early.dump');
    await dumpHolding(file, { a: 'from the dump' });
    const Store = earlyStore({ file });
    Store.loads = [];
    const app = await createApp(Store);
    const store = app.get(Store);

    const early = store.fetch('a');
    const earlyMiss = store.get('b');
    let settled = false;
    void early.then(() => (settled = true));
    await delay(20);
    expect(settled).toBe(false); // still waiting: the bucket is not filled yet

    await app.init();
    expect(await early).toEqual({ ok: true, value: 'from the dump', loaded: false });
    expect(await earlyMiss).toBe('loaded b'); // a key the dump lacks is loaded, once the dump is in
    expect(Store.loads).toEqual(['b']);
    expect(store.stats()).toMatchObject({ startedFrom: 'dump', hits: 1, misses: 1 });
    await app.close();
  });

  it('writes are applied over the dump, in order, once it is read', async () => {
    const file = join(temp.dir, 'write-early.dump');
    await dumpHolding(file, { kept: 'from the dump', replaced: 'from the dump', removed: 'from the dump' });
    const Store = earlyStore({ file });
    const app = await createApp(Store);
    const store = app.get(Store);
    store.set('replaced', 'set before init');
    expect(store.delete('removed')).toBe(false); // nothing is cached yet
    store.set('new', 'set before init');

    await app.init();
    expect(Object.fromEntries(store.keys().map((key) => [key, store.peek(key)]))).toEqual({
      kept: 'from the dump',
      replaced: 'set before init',
      new: 'set before init',
    });
    await app.close();
  });

  it('init may read its own store: only the dump is waited for', async () => {
    const Store = earlyStore({}, async (store) => {
      const warm = await store.fetch('warm');
      return { ok: true, seed: { seeded: warm.ok ? `seeded after ${warm.value}` : 'failed' } };
    });
    Store.loads = [];
    const app = await createApp(Store);
    await app.init();
    expect(app.get(Store).peek('seeded')).toBe('seeded after loaded warm');
    expect(Store.loads).toEqual(['warm']);
    await app.close();
  });

  it('a read made before an app that is closed without ever starting gets an error, not a hang', async () => {
    const Store = earlyStore({});
    const app = await createApp(Store);
    const early = app.get(Store).fetch('a');
    await app.close();
    expect(await early).toEqual({ ok: false, error: expect.stringContaining('shutting down') });
  });
});
