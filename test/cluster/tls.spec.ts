import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { makeTlsCertificates } from './support/tls-certificates.mjs';
import { describeThreeInstances } from './support/three-instances.scenario.js';
import { makeTempDir } from '../support/temp-dir.js';

let redis: RedisServer;

describeThreeInstances('cluster mode: three instances on a Redis that only speaks TLS', async () => {
  const { dir, remove } = await makeTempDir();
  const files = await makeTlsCertificates(dir);
  redis = await startRedisServer({ tls: files });
  const namespace = 'tls';
  const ca = readFileSync(files.ca);
  const userClient = new Redis(redis.url, { tls: { ca }, lazyConnect: true });
  return {
    // A rediss:// URL alone: the child trusts the test CA as a service trusts its provider's.
    child: { redis: redis.url, namespace },
    childEnv: { NODE_EXTRA_CA_CERTS: files.ca },
    a: { redis: { host: '127.0.0.1', port: redis.port, tls: { ca } }, namespace },
    b: { redis: userClient, namespace },
    late: { redis: { host: '127.0.0.1', port: redis.port, tls: { ca } }, namespace },
    async stop() {
      userClient.disconnect();
      await redis.stop();
      await remove();
    },
  };
});
