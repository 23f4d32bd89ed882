import { Redis } from 'ioredis';
import { startChildInstance, startLocalInstance, type ClusterInstance } from './support/cluster-instance.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { sleep, waitFor } from '../support/wait-for.js';

const INTERVAL = 400;
const KEYS = ['k1', 'k2', 'k3', 'k4', 'k5'];

/** Refreshes run per instance over a window, and loads per key summed over the instances. */
async function countOver(instances: ClusterInstance[], windowMs: number) {
  const before = await Promise.all(instances.map(async (i) => ({ stats: await i.stats(), loads: await i.loads() })));
  await sleep(windowMs);
  const after = await Promise.all(instances.map(async (i) => ({ stats: await i.stats(), loads: await i.loads() })));
  const refreshes = instances.map((_, n) => after[n].stats.refreshes - before[n].stats.refreshes);
  const loads = instances.map((_, n) => KEYS.map((key) => (after[n].loads[key] ?? 0) - (before[n].loads[key] ?? 0)));
  return { refreshes, loads };
}

async function refreshCounts(instances: ClusterInstance[]): Promise<number[]> {
  return Promise.all(instances.map(async (instance) => (await instance.stats()).refreshes));
}

async function holdsEverywhere(instances: ClusterInstance[], key: string, test: (value: unknown) => boolean): Promise<boolean> {
  const values = await Promise.all(instances.map((instance) => instance.peek(key)));
  return values.every(test);
}

describe('cluster mode: three instances on one Redis', () => {
  let redis: RedisServer;
  let child: Awaited<ReturnType<typeof startChildInstance>>;
  let a: Awaited<ReturnType<typeof startLocalInstance>>;
  let b: Awaited<ReturnType<typeof startLocalInstance>>;
  let late: Awaited<ReturnType<typeof startLocalInstance>> | undefined;
  let userClient: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    userClient = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    const namespace = 'three';
    // The child starts first and leads; the others join once it has refreshed.
    const cluster = { redis: { host: '127.0.0.1', port: redis.port }, namespace };
    child = await startChildInstance({ name: 'child', refreshInterval: INTERVAL, cluster });
    await waitFor(async () => (await child.stats()).refreshes >= 1, 'the child to refresh as leader');
    a = await startLocalInstance({ name: 'a', refreshInterval: INTERVAL, cluster: { redis: redis.url, namespace } });
    b = await startLocalInstance({ name: 'b', refreshInterval: INTERVAL, cluster: { redis: userClient, namespace } });
  });

  afterAll(async () => {
    for (const instance of [late, a, b, child]) await instance?.close().catch(() => undefined);
    userClient?.disconnect();
    await redis?.stop();
  });

  it('shares values loaded on a read, then refreshes each key once per interval across the cluster', async () => {
    for (const key of KEYS) expect((await a.fetch(key)).ok).toBe(true);
    for (const key of KEYS) {
      await waitFor(() => holdsEverywhere([b, child], key, (value) => value !== undefined), `${key} to reach b and the child`);
    }
    expect(await b.loads()).toEqual({});

    const { refreshes, loads } = await countOver([child, a, b], 6 * INTERVAL);
    // Only the child (the leader) refreshed, at most once per interval, and nobody else loaded anything.
    expect(refreshes[1]).toBe(0);
    expect(refreshes[2]).toBe(0);
    expect(refreshes[0]).toBeGreaterThanOrEqual(2);
    expect(refreshes[0]).toBeLessThanOrEqual(7);
    expect(loads[1]).toEqual([0, 0, 0, 0, 0]);
    expect(loads[2]).toEqual([0, 0, 0, 0, 0]);
    for (const count of loads[0]) expect(Math.abs(count - refreshes[0])).toBeLessThanOrEqual(1);

    // The followers serve the leader's refreshed values: they applied its snapshots.
    await waitFor(
      () => holdsEverywhere([a, b], 'k1', (value) => (value as { by: string } | undefined)?.by === 'child'),
      "the child's refreshed value of k1 on a and b",
    );
  });

  it('starts a fourth instance warm from the shared snapshot, before its first read', async () => {
    const cluster = { redis: { host: '127.0.0.1', port: redis.port }, namespace: 'three' };
    late = await startLocalInstance({ name: 'late', refreshInterval: INTERVAL, cluster });
    const stats = await late.stats();
    expect(stats.startedFrom).toBe('snapshot');
    for (const key of KEYS) expect(await late.peek(key)).toMatchObject({ key });
    expect(await late.loads()).toEqual({});
  });

  it('sends set and invalidate to the other instances', async () => {
    const written = { key: 'k1', by: 'written by b', n: 0 };
    await b.set('k1', written);
    const isWritten = (value: unknown) => (value as { by?: string } | undefined)?.by === 'written by b';
    await waitFor(() => holdsEverywhere([a, child], 'k1', isWritten), 'the value b set on a and the child');

    await child.invalidate('k2');
    await waitFor(() => holdsEverywhere([a, b], 'k2', (value) => value === undefined), 'k2 to be gone from a and b');
    expect(await child.peek('k2')).toBeUndefined();
  });

  it('replaces a leader killed with SIGKILL within two refresh intervals (and a margin for a slow machine)', async () => {
    const followers = [a, b, late!];
    const before = await refreshCounts(followers);
    await child.kill();
    await waitFor(
      async () => (await refreshCounts(followers)).some((count, n) => count > before[n]),
      'a follower to take over the refreshes',
      2 * INTERVAL + 5_000,
    );
    // One of them leads from now on: over a window, exactly one instance refreshes.
    await sleep(INTERVAL);
    const { refreshes } = await countOver(followers, 4 * INTERVAL);
    expect(refreshes.filter((count) => count > 0)).toHaveLength(1);
  });

  it('loses no value and fails no read while Redis is stopped and restarted', async () => {
    const instances = [a, b, late!];
    const failures: string[] = [];
    let reads = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        for (const instance of instances) {
          for (const key of ['k1', 'k3', 'k4', 'k5']) {
            const result = await instance.fetch(key);
            reads++;
            if (!result.ok) failures.push(`${instance.name} ${key}: ${result.error}`);
          }
        }
        await sleep(20);
      }
    })();

    await redis.stop();
    // Without Redis every instance refreshes on its own.
    const before = await refreshCounts(instances);
    await waitFor(
      async () => (await refreshCounts(instances)).every((count, n) => count > before[n]),
      'every instance to refresh on its own',
    );
    // A key loaded while Redis is away stays on its instance…
    expect((await b.fetch('k-outage')).ok).toBe(true);
    await redis.restart();
    // Back to one leader: over a window, exactly one instance refreshes.
    let leader: ClusterInstance | undefined;
    await waitFor(async () => {
      const { refreshes } = await countOver(instances, 3 * INTERVAL);
      const leaders = instances.filter((_, n) => refreshes[n] > 0);
      leader = leaders.length === 1 ? leaders[0] : undefined;
      return leader !== undefined;
    }, 'a single leader after Redis came back', 15_000);
    // …until the snapshots show the leader lacks it: then the leader learns it and refreshes it too.
    const byLeader = async () => (await b.peek('k-outage'))?.by === leader!.name;
    await waitFor(byLeader, `k-outage refreshed by the leader (${leader!.name})`, 15_000);
    reading = false;
    await reader;

    expect(reads).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    // Each instance logged the loss once, however many reconnection attempts failed.
    const loggers = [...new Set([a.logger, b.logger, late!.logger])];
    const losses = loggers.flatMap((logger) => logger.at('warn', 'is unreachable'));
    expect(losses).toHaveLength(instances.length);
    for (const instance of instances) {
      for (const key of ['k1', 'k3', 'k4', 'k5']) expect(await instance.peek(key)).toMatchObject({ key });
    }
  });
});
