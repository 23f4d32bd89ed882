import type { INestApplication } from '@nestjs/common';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../lib/index.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { bootApp } from '../support/nest-app.js';
import { sleep, waitFor } from '../support/wait-for.js';

@CacheWorker({ bucket: 'bounded-shared', refreshInterval: 0 })
class BoundedStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: `loaded ${key}` };
  }
}

describe('cluster mode with a bound', () => {
  let redis: RedisServer;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await redis?.stop();
  });

  async function instance(namespace: string, maxEntries: number): Promise<BoundedStore> {
    const app = await bootApp([
      CacheWorkerModule.forRoot({ cluster: { redis: redis.url, namespace } }),
      CacheWorkerModule.forFeature([{ store: BoundedStore, maxEntries }]),
    ]);
    apps.push(app);
    return app.get(BoundedStore);
  }

  it('each instance holds its own bound; an eviction stays on the instance that made it', async () => {
    const small = await instance('bounds', 3);
    const large = await instance('bounds', 100);
    for (let i = 0; i < 10; i++) await small.fetch(`a${i}`);
    await waitFor(() => large.size === 10, 'the values loaded on the small instance to reach the large one');
    expect(small.size).toBe(3);
    expect(small.stats().evictions).toBe(7);
    for (let i = 0; i < 10; i++) expect(large.peek(`a${i}`)).toBe(`loaded a${i}`);

    // Values loaded elsewhere are inserts here too: the small instance stays within its bound.
    for (let i = 0; i < 20; i++) await large.fetch(`b${i}`);
    await waitFor(() => large.size === 30, 'the large instance to hold every key');
    await sleep(200); // the small instance has had the messages as long
    expect(small.size).toBe(3);
    expect(large.stats().evictions).toBe(0);
  });

  it('shares a snapshot of at most the bound, and an instance with a smaller bound starts within it', async () => {
    const writer = await instance('snapshots', 5);
    for (let i = 0; i < 12; i++) await writer.fetch(`k${i}`);
    for (let round = 0; round < 6; round++) await writer.fetch(writer.keys()[0]!);
    const hot = writer.keys()[0]!;
    expect(writer.size).toBe(5);
    await writer.dump();

    const reader = await instance('snapshots', 2);
    expect(reader.stats().startedFrom).toBe('snapshot');
    expect(reader.size).toBe(2);
    expect(reader.has(hot)).toBe(true); // the snapshot ranks what the writer used most first
    for (const key of reader.keys()) expect(reader.peek(key)).toBe(`loaded ${key}`);
  });
});
