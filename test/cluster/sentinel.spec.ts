import { Redis } from 'ioredis';
import { startSentinelGroup, type SentinelGroup } from './support/redis-sentinel.mjs';
import { describeThreeInstances, holdsEverywhere, readContinuously, singleLeader, KEYS } from './support/three-instances.scenario.js';
import { waitFor } from '../support/wait-for.js';

let group: SentinelGroup;

describeThreeInstances(
  'cluster mode: three instances on a Redis behind Sentinel',
  async () => {
    group = await startSentinelGroup();
    const namespace = 'sentinel';
    const options = { redis: { sentinels: group.sentinels, name: group.name }, namespace };
    const userClient = new Redis({ sentinels: group.sentinels, name: group.name, lazyConnect: true });
    return {
      child: options,
      a: options,
      b: { redis: userClient, namespace },
      late: options,
      async stop() {
        userClient.disconnect();
        await group.stop();
      },
    };
  },
  (instances) => {
    it('loses no value and fails no read through a failover, and goes on as one cluster on the new master', async () => {
      const { a, b, late, child } = instances();
      const everyone = [a, b, late!, child];
      for (const key of KEYS) await a.fetch(key);
      const reads = readContinuously([a, b, late!], KEYS);
      const before = await group.masterPort();
      await group.failover();
      expect(await group.masterPort()).not.toBe(before);

      // One leader again, and a change made now reaches every instance through the new master.
      await singleLeader(everyone, 'a single leader after the failover');
      const written = { key: 'k4', by: 'after the failover', n: 0 };
      await waitFor(async () => {
        await a.set('k4', written);
        return holdsEverywhere(everyone, 'k4', (value) => (value as { by?: string } | undefined)?.by === written.by);
      }, 'a change after the failover to reach every instance', 20_000);
      const { count, failures } = await reads.stop();
      expect(count).toBeGreaterThan(0);
      expect(failures).toEqual([]);
      for (const instance of everyone) for (const key of KEYS) expect(await instance.peek(key)).toMatchObject({ key });
      // The new master holds the bucket's snapshot: a new instance starts from it.
      const master = new Redis({ host: '127.0.0.1', port: await group.masterPort() });
      try {
        await waitFor(async () => Number(await master.hget('{sentinel:items}:snapshot', 'version')) > 0, 'a snapshot on the new master');
      } finally {
        master.disconnect();
      }
    });
  },
);
