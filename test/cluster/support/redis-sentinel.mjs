// A master, a replica and a Sentinel on 127.0.0.1 for the cluster-mode tests, and a failover on demand.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findRedisServer, freePort, launch, startRedisServer, terminate } from './redis-server.mjs';

const MASTER_NAME = 'cache-master';
const FAILOVER_WITHIN_MS = 30_000;

/** Starts the group and waits until the Sentinel knows the replica. */
export async function startSentinelGroup() {
  const first = await startRedisServer();
  const second = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(first.port)] });
  const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
  const port = await freePort();
  const config = join(dir, 'sentinel.conf');
  await writeFile(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${first.port} 1`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
      `sentinel failover-timeout ${MASTER_NAME} 5000`,
      '',
    ].join('\n'),
  );
  // Debian's redis-sentinel is redis-server in Sentinel mode.
  const sentinel = await launch(findRedisServer(), [config, '--sentinel'], port);
  const admin = new Redis({ host: '127.0.0.1', port });
  const masterPort = async () => Number((await admin.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME))[1]);
  const waitUntil = async (condition, what) => {
    const deadline = Date.now() + FAILOVER_WITHIN_MS;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await waitUntil(async () => (await admin.call('SENTINEL', 'replicas', MASTER_NAME)).length === 1, 'the Sentinel to find the replica');
  const servers = [first, second];
  return {
    name: MASTER_NAME,
    sentinels: [{ host: '127.0.0.1', port }],
    masterPort,
    /** Promotes the replica; resolves once the Sentinel names it and it accepts writes. */
    async failover() {
      const before = await masterPort();
      // The Sentinel promotes a replica only once it has heard from it a while: until then, NOGOODSLAVE.
      await waitUntil(
        () => admin.call('SENTINEL', 'failover', MASTER_NAME).then(() => true, (error) => (String(error).includes('NOGOODSLAVE') ? false : Promise.reject(error))),
        'the Sentinel to accept the failover',
      );
      await waitUntil(async () => (await masterPort()) !== before, 'the Sentinel to name the new master');
      const promoted = new Redis({ host: '127.0.0.1', port: await masterPort() });
      try {
        await waitUntil(async () => (await promoted.info('replication')).includes('role:master'), 'the new master to take writes');
      } finally {
        promoted.disconnect();
      }
    },
    async stop() {
      admin.disconnect();
      await terminate(sentinel);
      for (const server of servers) await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
