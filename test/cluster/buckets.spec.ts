import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../lib/index.js';
import { startLocalInstance } from './support/cluster-instance.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { bootApp } from '../support/nest-app.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sleep, waitFor } from '../support/wait-for.js';

@CacheWorker({ bucket: 'shared', refreshInterval: 0 })
class SharedStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: `shared ${key}` };
  }
}

@CacheWorker({ bucket: 'local', refreshInterval: 0, cluster: false })
class LocalStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: `local ${key}` };
  }
}

describe('cluster mode: buckets and warm starts', () => {
  let redis: RedisServer;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await redis?.stop();
  });

  it('keeps a bucket with cluster: false out of cluster mode', async () => {
    const boot = async () => {
      const app = await bootApp([
        CacheWorkerModule.forRoot({ cluster: { redis: redis.url, namespace: 'opt-out' } }),
        CacheWorkerModule.forFeature([SharedStore, LocalStore]),
      ]);
      apps.push(app);
      return app;
    };
    const [first, second] = [await boot(), await boot()];
    first.get(LocalStore).set('k', 'only here');
    first.get(SharedStore).set('k', 'everywhere');
    await waitFor(() => second.get(SharedStore).peek('k') === 'everywhere', 'the shared bucket to reach the other instance');
    await sleep(200); // the local bucket's change would have arrived with the other one
    expect(second.get(LocalStore).peek('k')).toBeUndefined();
    expect(first.get(LocalStore).peek('k')).toBe('only here');
  });

  it('shares a snapshot larger than one chunk in several, and reassembles it', async () => {
    const cluster = { redis: redis.url, namespace: 'chunked' };
    const writer = await startLocalInstance({ name: 'writer', refreshInterval: 0, cluster });
    apps.push(writer.app);
    const big = (i: number) => ({ key: `k${i}`, by: String(i).repeat(1_500_000), n: i }); // 1.5 MB each
    for (let i = 0; i < 4; i++) await writer.set(`k${i}`, big(i));
    await writer.store.dump();
    const reader = await startLocalInstance({ name: 'reader', refreshInterval: 0, cluster });
    apps.push(reader.app);
    const client = new Redis(redis.url);
    try {
      const [writeId, chunks] = await client.hmget('{chunked:items}:snapshot', 'writer', 'chunks');
      expect(Number(chunks)).toBeGreaterThan(1);
      // Published chunks stay; the chunks of the version it replaces expire soon.
      for (let index = 0; index < Number(chunks); index++) {
        expect(await client.pttl(`{chunked:items}:snapshot:${writeId}:${index}`)).toBe(-1);
      }
      await writer.store.dump();
      expect(await client.pttl(`{chunked:items}:snapshot:${writeId}:0`)).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
    expect((await reader.stats()).startedFrom).toBe('snapshot');
    for (let i = 0; i < 4; i++) expect(await reader.peek(`k${i}`)).toEqual(big(i));
  });

  it('starts from the local dump when it is newer than the shared snapshot, and from the snapshot when it is older', async () => {
    const { dir, remove } = await makeTempDir();
    const cluster = { redis: { host: '127.0.0.1', port: redis.port }, namespace: 'newest' };
    try {
      const file = join(dir, 'items.dump');
      // An instance with a dump file writes its dump; the shared snapshot comes later, from another instance.
      const first = await startLocalInstance({ name: 'first', refreshInterval: 0, cluster, file });
      await first.fetch('k1');
      expect((await first.store.dump()).ok).toBe(true);
      await first.close();
      const sharer = await startLocalInstance({ name: 'sharer', refreshInterval: 0, cluster });
      await sharer.set('k1', { key: 'k1', by: 'sharer', n: 0 });
      await sharer.store.dump();

      const fromSnapshot = await startLocalInstance({ name: 'restart', refreshInterval: 0, cluster, file });
      expect((await fromSnapshot.stats()).startedFrom).toBe('snapshot');
      expect(await fromSnapshot.peek('k1')).toEqual({ key: 'k1', by: 'sharer', n: 0 });
      // Its dump catches up, and is now the newest.
      expect((await fromSnapshot.store.dump()).ok).toBe(true);
      await fromSnapshot.close();
      await sharer.close();

      const fromDump = await startLocalInstance({ name: 'again', refreshInterval: 0, cluster, file });
      apps.push(fromDump.app);
      expect((await fromDump.stats()).startedFrom).toBe('dump');
      expect(await fromDump.peek('k1')).toEqual({ key: 'k1', by: 'sharer', n: 0 });
    } finally {
      await remove();
    }
  });
});
