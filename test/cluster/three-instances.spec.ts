import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { countOver, describeThreeInstances, INTERVAL, readContinuously, refreshCounts, singleLeader } from './support/three-instances.scenario.js';
import { sleep, waitFor } from '../support/wait-for.js';

let redis: RedisServer;

describeThreeInstances(
  'cluster mode: three instances on one Redis',
  async () => {
    redis = await startRedisServer();
    const userClient = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    const namespace = 'three';
    const options = { redis: { host: '127.0.0.1', port: redis.port }, namespace };
    return {
      child: options,
      a: { redis: redis.url, namespace },
      b: { redis: userClient, namespace },
      late: options,
      async stop() {
        userClient.disconnect();
        await redis.stop();
      },
    };
  },
  (instances) => {
    it('replaces a leader killed with SIGKILL within two refresh intervals (and a margin for a slow machine)', async () => {
      const { a, b, late, child } = instances();
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
      const { a, b, late } = instances();
      const everyone = [a, b, late!];
      const reads = readContinuously(everyone, ['k1', 'k3', 'k4', 'k5']);

      await redis.stop();
      // Without Redis every instance refreshes on its own.
      const before = await refreshCounts(everyone);
      await waitFor(
        async () => (await refreshCounts(everyone)).every((count, n) => count > before[n]),
        'every instance to refresh on its own',
      );
      // A key loaded while Redis is away stays on its instance…
      expect((await b.fetch('k-outage')).ok).toBe(true);
      await redis.restart();
      // Back to one leader: over a window, exactly one instance refreshes.
      const leader = await singleLeader(everyone, 'a single leader after Redis came back');
      // …until the snapshots show the leader lacks it: then the leader learns it and refreshes it too.
      const byLeader = async () => (await b.peek('k-outage'))?.by === leader.name;
      await waitFor(byLeader, `k-outage refreshed by the leader (${leader.name})`, 15_000);
      const { count, failures } = await reads.stop();

      expect(count).toBeGreaterThan(0);
      expect(failures).toEqual([]);
      // Each instance logged the loss once, however many reconnection attempts failed.
      const loggers = [...new Set([a.logger, b.logger, late!.logger])];
      const losses = loggers.flatMap((logger) => logger.at('warn', 'is unreachable'));
      expect(losses).toHaveLength(everyone.length);
      for (const instance of everyone) {
        for (const key of ['k1', 'k3', 'k4', 'k5']) expect(await instance.peek(key)).toMatchObject({ key });
      }
    });
  },
);
