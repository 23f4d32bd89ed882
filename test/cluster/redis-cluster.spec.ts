import { Cluster } from 'ioredis';
import { startLocalInstance, type Item } from './support/cluster-instance.js';
import { startRedisCluster, type RedisClusterServers } from './support/redis-cluster.mjs';
import { describeThreeInstances } from './support/three-instances.scenario.js';
import { sleep } from '../support/wait-for.js';

let servers: RedisClusterServers;
let userCluster: Cluster;

describeThreeInstances(
  'cluster mode: three instances on a Redis Cluster of three masters',
  async () => {
    servers = await startRedisCluster(3);
    const namespace = 'on-cluster';
    userCluster = new Cluster(servers.nodes);
    await new Promise((resolve) => userCluster.once('ready', resolve));
    return {
      child: { redis: { nodes: servers.nodes }, namespace },
      a: { redis: userCluster, namespace },
      b: { redis: { nodes: servers.nodes.slice(1).map(({ host, port }) => `${host}:${port}`), slotsRefreshTimeout: 2000 }, namespace },
      late: { redis: { nodes: [servers.nodes[2]] }, namespace },
      async stop() {
        userCluster.disconnect();
        await servers.stop();
      },
    };
  },
  (instances) => {
    it('logs once per command, with what to change, when a Redis Cluster node is given as one Redis, and keeps serving', async () => {
      const movedOn: string[] = [];
      for (const { port } of servers.nodes) {
        const instance = await startLocalInstance({ name: `node ${port}`, refreshInterval: 100, cluster: { redis: `redis://127.0.0.1:${port}`, namespace: 'as-one-redis' } });
        try {
          for (let i = 0; i < 3; i++) expect((await instance.fetch(`k${i}`)).ok).toBe(true);
          await sleep(500); // refreshes, each refused
          const moved = instance.logger.at('warn', '(MOVED');
          if (moved.length === 0) continue; // this node holds every slot the instance used
          movedOn.push(String(port));
          const commands = moved.map((line) => /Redis refused (\S+)/.exec(line.message)![1]);
          expect(new Set(commands).size).toBe(commands.length);
          for (const line of moved) expect(line.message).toContain('this Redis is a Redis Cluster: pass cluster.redis as { nodes: [{ host, port }, …]');
          expect((await instance.stats()).refreshes).toBeGreaterThan(1); // on its own
          expect(instance.logger.at('warn', 'is unreachable')).toEqual([]);
        } finally {
          await instance.close();
        }
      }
      // At most one node holds the bucket's slot (and the namespace's probe channel may be on another).
      expect(movedOn.length).toBeGreaterThanOrEqual(servers.nodes.length - 1);
    });

    it('shares a snapshot of many chunks, all in the slot of its bucket, and leaves an ioredis Cluster passed in open', async () => {
      const namespace = 'big-on-cluster';
      const big = (i: number): Item => ({ key: `big${i}`, by: String(i).repeat(1_500_000), n: i }); // 1.5 MB each
      const writer = await startLocalInstance({ name: 'writer', refreshInterval: 0, cluster: { redis: userCluster, namespace } });
      try {
        for (let i = 0; i < 8; i++) await writer.set(`big${i}`, big(i));
        await writer.store.dump();
        const [writeId, chunks] = await userCluster.hmget(`{${namespace}:items}:snapshot`, 'writer', 'chunks');
        expect(Number(chunks)).toBeGreaterThan(2);
        const slots = new Set<number>();
        for (let index = 0; index < Number(chunks); index++) {
          slots.add(Number(await userCluster.cluster('KEYSLOT', `{${namespace}:items}:snapshot:${writeId}:${index}`)));
        }
        slots.add(Number(await userCluster.cluster('KEYSLOT', `{${namespace}:items}:lease`)));
        expect(slots.size).toBe(1);

        const reader = await startLocalInstance({ name: 'reader', refreshInterval: 0, cluster: { redis: { nodes: servers.nodes }, namespace } });
        try {
          expect((await reader.stats()).startedFrom).toBe('snapshot');
          for (let i = 0; i < 8; i++) expect(await reader.peek(`big${i}`)).toEqual(big(i));
          expect([...reader.logger.at('warn'), ...writer.logger.at('warn')]).toEqual([]);
        } finally {
          await reader.close();
        }
      } finally {
        await writer.close();
      }
      // `a` and the writer used the Cluster passed in; both closed, it is still the user's and works.
      await instances().a.close();
      expect(userCluster.status).toBe('ready');
      expect(await userCluster.set('user-key', 'still mine')).toBe('OK');
    });
  },
);
