import { Redis } from 'ioredis';
import { startLocalInstance, type Item } from './support/cluster-instance.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';

const item = (round: number): Item => ({ key: 'k', by: `round ${round}`, n: round });
/** About 1.5 MB: a few of them make a snapshot of several 1 MB chunks. */
const big = (i: number, round: number): Item => ({ key: `k${i}`, by: String(round).repeat(1_500_000), n: round });

describe('cluster mode: publishing the shared snapshot when Redis loses keys', () => {
  let redis: RedisServer;
  let client: Redis;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
  });

  afterEach(async () => {
    for (const instance of opened.splice(0)) await instance.close().catch(() => undefined);
  });

  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  /** The bucket's keys in Redis that don't expire: whatever names they have, what a snapshot needs. */
  async function lastingKeys(namespace: string): Promise<string[]> {
    const keys = await client.keys(`*${namespace}*`);
    const lasting = [];
    for (const key of keys) if ((await client.pttl(key)) === -1) lasting.push(key);
    return lasting.sort();
  }

  it('publishes the next snapshot whichever of its keys Redis evicted (the version counter included)', async () => {
    let evicted = 0;
    for (let victim = 0; ; victim++) {
      const cluster = { redis: redis.url, namespace: `evicted-${victim}` };
      const writer = await startLocalInstance({ name: 'writer', refreshInterval: 0, cluster });
      opened.push(writer);
      await writer.set('k', item(1));
      await writer.store.dump();
      const keys = await lastingKeys(cluster.namespace);
      if (victim >= keys.length) break;
      await client.del(keys[victim]); // as an evicting Redis would
      evicted++;
      await writer.set('k', item(2));
      await writer.store.dump();

      const reader = await startLocalInstance({ name: 'reader', refreshInterval: 0, cluster });
      opened.push(reader);
      expect({ evicted: keys[victim], startedFrom: (await reader.stats()).startedFrom, k: await reader.peek('k') }).toEqual({
        evicted: keys[victim],
        startedFrom: 'snapshot',
        k: item(2),
      });
    }
    expect(evicted).toBeGreaterThanOrEqual(2);
  });

  it('does not publish a snapshot a chunk of which Redis evicted while it was written; the previous one stays', async () => {
    const cluster = { redis: redis.url, namespace: 'torn' };
    const writer = await startLocalInstance({ name: 'writer', refreshInterval: 0, cluster });
    opened.push(writer);
    for (let i = 0; i < 7; i++) await writer.set(`k${i}`, big(i, 1));
    await writer.store.dump();

    // Evict the first payload value of the next write as soon as it is written, before the others.
    const events = new Redis(redis.url);
    await client.config('SET', 'notify-keyspace-events', 'E$');
    let victim: string | undefined;
    events.on('message', (_channel: string, key: string) => {
      if (victim !== undefined || !key.includes('torn') || !key.endsWith(':1')) return;
      victim = key;
      void client.del(key);
    });
    await events.subscribe('__keyevent@0__:set');
    try {
      for (let i = 0; i < 7; i++) await writer.set(`k${i}`, big(i, 2));
      await writer.store.dump();
    } finally {
      events.disconnect();
      await client.config('SET', 'notify-keyspace-events', '');
    }
    expect(victim).toBeDefined();
    expect(writer.logger.at('warn', 'was gone from Redis before the snapshot could be published')).toHaveLength(1);

    const reader = await startLocalInstance({ name: 'reader', refreshInterval: 0, cluster });
    opened.push(reader);
    expect((await reader.stats()).startedFrom).toBe('snapshot');
    for (let i = 0; i < 7; i++) expect(await reader.peek(`k${i}`)).toEqual(big(i, 1));
    expect(reader.logger.at('warn')).toEqual([]);
    // The chunks of the write that was not published are gone at once: nothing leaks.
    const unpublished = victim!.slice(0, -':1'.length);
    expect(await client.keys(`${unpublished.replace(/[{}[\]*?]/g, (c) => `\\${c}`)}:*`)).toEqual([]);

    // The next write, undisturbed, is published.
    await writer.store.dump();
    const next = await startLocalInstance({ name: 'next', refreshInterval: 0, cluster });
    opened.push(next);
    for (let i = 0; i < 7; i++) expect(await next.peek(`k${i}`)).toEqual(big(i, 2));
  });
});
