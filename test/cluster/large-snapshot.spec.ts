import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type InitResult, type LoadResult } from '../../lib/index.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { waitFor } from '../support/wait-for.js';
import type { Item } from './support/cluster-instance.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';

/** Entries enough for several slices of the fill and several 1 MB values in Redis. */
const ENTRIES = 60_000;
const keyOf = (i: number) => `k${i}`;
const item = (i: number, by: string): Item => ({ key: keyOf(i), by, n: i });
const lastKey = keyOf(ENTRIES - 1);

/** An instance of the app, created but not started (`app.init()` starts it); `seed`: the entries its `init` returns. */
async function createInstance(redisUrl: string, namespace: string, seed?: string) {
  const counter = { loads: 0 };
  @CacheWorker({ bucket: 'items' })
  class ItemStore extends CacheWorkerStore<string, Item> {
    load(key: string): LoadResult<Item> {
      counter.loads++;
      return { ok: true, value: { key, by: 'the source', n: -1 } };
    }
    override init(): InitResult<string, Item> {
      if (seed === undefined) return undefined;
      return { ok: true, seed: new Map(Array.from({ length: ENTRIES }, (_, i) => [keyOf(i), item(i, seed)])) };
    }
  }
  const moduleRef = await Test.createTestingModule({
    imports: [
      CacheWorkerModule.forRoot({ cluster: { redis: redisUrl, namespace } }),
      CacheWorkerModule.forFeature([{ store: ItemStore, refreshInterval: 0 }]),
    ],
  })
    .setLogger(new RecordingLogger())
    .compile();
  const app = moduleRef.createNestApplication();
  return { app, store: app.get(ItemStore), counter };
}

/** The sizes of `store` a 1 ms timer saw while `work` ran. */
async function sizesDuring(store: CacheWorkerStore<string, Item>, work: () => Promise<unknown>, eachTick?: (size: number) => void) {
  const sizes: number[] = [];
  const timer = setInterval(() => {
    sizes.push(store.size);
    eachTick?.(store.size);
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return sizes;
}

const partial = (size: number) => size > 0 && size < ENTRIES;

describe('cluster mode: a large snapshot is filled and applied in slices, the event loop turning between them', () => {
  let redis: RedisServer;
  const opened: INestApplication[] = [];
  const open = async (namespace: string, seed?: string) => {
    const instance = await createInstance(redis.url, namespace, seed);
    opened.push(instance.app);
    return instance;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterEach(async () => {
    for (const app of opened.splice(0).reverse()) await app.close().catch(() => undefined);
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('fills a new instance in slices, timers running meanwhile, and a read that misses during the fill waits for it', async () => {
    const namespace = 'start-slices';
    const writer = await open(namespace, 'the snapshot');
    await writer.app.init();
    await writer.store.dump();

    const reader = await open(namespace);
    let duringFill: ReturnType<CacheWorkerStore<string, Item>['fetch']> | undefined;
    const sizes = await sizesDuring(reader.store, () => reader.app.init(), (size) => {
      if (partial(size)) duringFill ??= reader.store.fetch(lastKey);
    });

    expect(sizes.filter(partial).length).toBeGreaterThan(0);
    expect(await duringFill).toEqual({ ok: true, value: item(ENTRIES - 1, 'the snapshot'), loaded: false });
    const { startedFrom, size } = reader.store.stats();
    expect({ loads: reader.counter.loads, size, startedFrom }).toEqual({ loads: 0, size: ENTRIES, startedFrom: 'snapshot' });
  });

  it('applies a snapshot on a running instance in slices, timers running meanwhile', async () => {
    const namespace = 'apply-slices';
    const follower = await open(namespace);
    await follower.app.init();
    // Seeded by its `init`: the follower hears nothing of these entries until the snapshot.
    const writer = await open(namespace, 'the writer');
    await writer.app.init();

    const sizes = await sizesDuring(follower.store, async () => {
      await writer.store.dump();
      await waitFor(() => follower.store.size === ENTRIES, 'the follower to apply the snapshot');
    });

    expect(sizes.filter(partial).length).toBeGreaterThan(0);
    expect(follower.store.peek(lastKey)).toEqual(item(ENTRIES - 1, 'the writer'));
    expect(follower.store.peek(keyOf(0))).toEqual(item(0, 'the writer'));
    expect(follower.counter.loads).toBe(0);
  });
});
