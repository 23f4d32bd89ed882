import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { CacheWorkerModule } from '../../lib/index.js';
import { BulkSource, bulkStore } from '../batch/support/bulk-source.js';
import { bootApp } from '../support/nest-app.js';
import { waitFor } from '../support/wait-for.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';

const INTERVAL = 300;

describe('cluster mode: the leader refreshes in batches', () => {
  let redis: RedisServer;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await redis?.stop();
  });

  it('one instance reloads every key in loadMany calls of batchSize keys; the other applies its snapshot', async () => {
    const instance = async (name: string) => {
      const source = new BulkSource();
      source.respond = (keys) => keys.map((key) => ({ ok: true, value: `${key} by ${name} #${source.calls.length}` }));
      const Store = bulkStore({ bucket: 'batched', refreshInterval: INTERVAL, batchSize: 4 }, source);
      const app = await bootApp([
        CacheWorkerModule.forRoot({ cluster: { redis: redis.url, namespace: 'batched-refresh' } }),
        CacheWorkerModule.forFeature([Store]),
      ]);
      apps.push(app);
      return { source, store: app.get(Store) };
    };
    const first = await instance('first');
    const second = await instance('second');
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    for (const key of keys) first.store.set(key, 'seed');
    await waitFor(() => keys.every((key) => second.store.peek(key) === 'seed'), 'the writes to reach the second instance');
    await waitFor(() => first.store.stats().refreshes + second.store.stats().refreshes >= 2, 'two refreshes in the cluster');
    const [leader, follower] = first.store.stats().refreshes > 0 ? [first, second] : [second, first];

    expect(follower.store.stats().refreshes).toBe(0);
    expect(follower.source.calls).toEqual([]);
    // Each refresh of the leader: 10 keys in calls of 4, 4 and 2.
    const perRefresh = leader.source.calls.slice(0, 3).map((call) => call.length);
    expect(perRefresh).toEqual([4, 4, 2]);
    expect(leader.store.stats().batches).toBe(leader.source.calls.length);
    expect(leader.store.peek('k9')).toMatch(/^k9 by /);
    await waitFor(() => follower.store.peek('k9') !== 'seed', "the leader's snapshot to reach the follower");
    expect(follower.store.peek('k0')).toMatch(/^k0 by /);
  });
});
