import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startLocalInstance } from './support/cluster-instance.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { describeThreeInstances, holdsEverywhere, INTERVAL, KEYS, readContinuously } from './support/three-instances.scenario.js';
import { sleep, waitFor } from '../support/wait-for.js';

let redis: RedisServer;
let admin: Redis;

/** Writes 256 KB values under keys of its own until `stop()`, so Redis evicts all along. */
function fillContinuously() {
  let filling = true;
  let written = 0;
  const loop = (async () => {
    while (filling) {
      await admin.set(`filler:${written++}`, randomBytes(256 * 1024));
      if (written % 8 === 0) await sleep(1);
    }
  })();
  return {
    async stop() {
      filling = false;
      await loop;
    },
  };
}

const evictedKeys = async () => Number(/evicted_keys:(\d+)/.exec(await admin.info('stats'))![1]);

describeThreeInstances(
  'cluster mode: three instances on a Redis at maxmemory with allkeys-lru',
  async () => {
    redis = await startRedisServer({ args: ['--maxmemory', '24mb', '--maxmemory-policy', 'allkeys-lru'] });
    admin = new Redis(redis.url);
    const namespace = 'evicting';
    const options = { redis: redis.url, namespace };
    return {
      child: options,
      a: options,
      b: options,
      late: options,
      async stop() {
        admin.disconnect();
        await redis.stop();
      },
    };
  },
  (instances) => {
    it('loses no value, brings no deleted key back and starts a new instance warm while Redis evicts under pressure', async () => {
      const { a, b, late, child } = instances();
      const everyone = [a, b, late!, child];
      for (const key of KEYS) await a.fetch(key);
      const before = await evictedKeys();
      const reads = readContinuously([a, b, late!], ['k1', 'k2', 'k3']); // not k5, which is deleted: a read would load it again
      const filler = fillContinuously();
      try {
        await waitFor(async () => (await evictedKeys()) > before + 100, 'Redis to evict a hundred keys', 30_000);
        await b.delete('k5');
        await waitFor(() => holdsEverywhere(everyone, 'k5', (value) => value === undefined), 'k5 to be gone everywhere');
        await b.set('k4', { key: 'k4', by: 'set under pressure', n: 0 });
        await sleep(4 * INTERVAL); // refreshes and snapshots while Redis evicts
      } finally {
        await filler.stop();
      }
      const { count, failures } = await reads.stop();
      expect(count).toBeGreaterThan(0);
      expect(failures).toEqual([]);
      for (const instance of everyone) {
        expect(await instance.peek('k5')).toBeUndefined();
        expect(await instance.peek('k1')).toMatchObject({ key: 'k1' });
      }

      // Once the pressure is over, the next snapshot lasts: a new instance starts from it.
      await sleep(2 * INTERVAL);
      const fresh = await startLocalInstance({ name: 'fresh', refreshInterval: INTERVAL, cluster: { redis: redis.url, namespace: 'evicting' } });
      try {
        expect((await fresh.stats()).startedFrom).toBe('snapshot');
        expect(await fresh.peek('k1')).toMatchObject({ key: 'k1' });
        expect(await fresh.peek('k5')).toBeUndefined();
      } finally {
        await fresh.close();
      }
    }, 60_000);
  },
);

describe('cluster mode: a Redis at maxmemory that evicts nothing', () => {
  it('logs the refusal once, with the setting to change, and keeps serving and refreshing on its own', async () => {
    const full = await startRedisServer({ args: ['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction'] });
    const client = new Redis(full.url);
    try {
      const instance = await startLocalInstance({ name: 'full', refreshInterval: 100, cluster: { redis: full.url, namespace: 'full' } });
      try {
        await client.set('ballast', randomBytes(6 * 1024 * 1024)).catch(() => undefined); // accepted once, then Redis is over its limit
        for (let i = 0; i < 5; i++) expect((await instance.fetch(`k${i}`)).ok).toBe(true);
        const refreshes = instance.stats().then((stats) => stats.refreshes);
        await waitFor(async () => (await instance.stats()).refreshes >= (await refreshes) + 3, 'refreshes on its own');
        const refusals = instance.logger.at('warn', 'OOM');
        expect(refusals.length).toBeGreaterThanOrEqual(1);
        expect(new Set(refusals.map((line) => line.message.slice(0, line.message.indexOf('(')))).size).toBe(refusals.length); // once per command
        expect(refusals[0].message).toContain('set maxmemory-policy to allkeys-lru or volatile-lru, or raise maxmemory');
        expect(instance.logger.at('warn', 'is unreachable')).toEqual([]);
      } finally {
        await instance.close();
      }
    } finally {
      client.disconnect();
      await full.stop();
    }
  });
});
