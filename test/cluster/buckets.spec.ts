import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
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

@CacheWorker({ bucket: 'bounded-shared', refreshInterval: 0 })
class BoundedStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: `loaded ${key}` };
  }
}

/** Moves the creation time in a dump's header by `ms`, as a machine with another clock would have written it. */
async function shiftDumpTime(file: string, ms: number): Promise<void> {
  const dump = await readFile(file);
  dump.writeDoubleLE(dump.readDoubleLE(20) + ms, 20); // the header's creation time
  const headerEnd = 36 + dump.readUInt16LE(10);
  dump.writeUInt32LE(crc32(dump.subarray(0, headerEnd)), headerEnd); // and its checksum
  await writeFile(file, dump);
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

  it("starts from the shared snapshot whenever Redis has one, whatever the local dump's clock says, and from the dump when Redis has none", async () => {
    const { dir, remove } = await makeTempDir();
    const cluster = { redis: { host: '127.0.0.1', port: redis.port }, namespace: 'newest' };
    try {
      const file = join(dir, 'items.dump');
      const first = await startLocalInstance({ name: 'first', refreshInterval: 0, cluster, file });
      await first.fetch('k1');
      expect((await first.store.dump()).ok).toBe(true);
      await first.close();
      // The dump was written on a machine whose clock runs an hour ahead of the one that shares next.
      await shiftDumpTime(file, 3_600_000);
      const sharer = await startLocalInstance({ name: 'sharer', refreshInterval: 0, cluster });
      apps.push(sharer.app);
      await sharer.set('k1', { key: 'k1', by: 'sharer', n: 0 });
      await sharer.store.dump();

      const restarted = await startLocalInstance({ name: 'restart', refreshInterval: 0, cluster, file });
      apps.push(restarted.app);
      expect((await restarted.stats()).startedFrom).toBe('snapshot');
      expect(await restarted.peek('k1')).toEqual({ key: 'k1', by: 'sharer', n: 0 });
      expect((await restarted.store.dump()).ok).toBe(true);

      // A namespace with no snapshot in Redis: the local dump it is.
      const alone = await startLocalInstance({ name: 'alone', refreshInterval: 0, cluster: { ...cluster, namespace: 'no-snapshot' }, file });
      apps.push(alone.app);
      expect((await alone.stats()).startedFrom).toBe('dump');
      expect(await alone.peek('k1')).toEqual({ key: 'k1', by: 'sharer', n: 0 });
    } finally {
      await remove();
    }
  });

  describe('with a bound', () => {
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
});
