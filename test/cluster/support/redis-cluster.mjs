// A local Redis Cluster on 127.0.0.1 for the cluster-mode tests: masters without replicas, slots spread by redis-cli.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { requireCommand, findRedisServer, freePort, launch, terminate } from './redis-server.mjs';

const run = promisify(execFile);
const READY_WITHIN_MS = 20_000;

/** Starts `masters` redis-servers with `--cluster-enabled yes`, joins them with `redis-cli --cluster create`, waits for `cluster_state:ok`. */
export async function startRedisCluster(masters = 3) {
  const server = findRedisServer();
  const cli = requireCommand('redis-cli');
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const children = [];
  const nodes = [];
  try {
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      const args = ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000', '--dir', dir];
      children.push(await launch(server, args, port));
      nodes.push({ host: '127.0.0.1', port });
    }
    await run(cli, ['--cluster', 'create', ...nodes.map(({ host, port }) => `${host}:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitForClusterOk(nodes);
  } catch (error) {
    for (const child of children) await terminate(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes,
    async stop() {
      for (const child of children) await terminate(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForClusterOk(nodes) {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (const node of nodes) {
    const client = new Redis(node);
    try {
      while (!String(await client.cluster('INFO')).includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error(`the Redis Cluster on ${nodes.map((n) => n.port)} was not ok within ${READY_WITHIN_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      client.disconnect();
    }
  }
}
