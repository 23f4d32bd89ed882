import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../lib/index.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { startLocalInstance } from './support/cluster-instance.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { waitFor } from '../support/wait-for.js';

const INTERVAL = 300;

describe('cluster mode: faults', () => {
  let redis: RedisServer;
  let client: Redis;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null });
  });

  afterEach(async () => {
    for (const instance of opened.splice(0)) await instance.close().catch(() => undefined);
  });

  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('starts without Redis, works on its own, logs the loss once, and joins when Redis comes up', async () => {
    await redis.stop();
    const cluster = { redis: { host: '127.0.0.1', port: redis.port }, namespace: 'down-at-start' };
    const alone = await startLocalInstance({ name: 'alone', refreshInterval: INTERVAL, cluster });
    opened.push(alone);
    expect(await alone.fetch('k1')).toEqual({ ok: true, value: { key: 'k1', by: 'alone', n: 1 }, loaded: true });
    await waitFor(async () => (await alone.stats()).refreshes >= 3, 'local refreshes without Redis');
    expect(alone.logger.at('warn', 'is unreachable')).toHaveLength(1);

    await redis.restart();
    await waitFor(() => alone.logger.at('log', 'connected to Redis').length > 0, 'the instance to reconnect');
    // Alone in the cluster, it takes the lease and shares its snapshot after its next refresh.
    await waitFor(async () => Number(await client.hget('{down-at-start:items}:snapshot', 'version')) > 0, 'a shared snapshot in Redis');
    expect(await client.get('{down-at-start:items}:lease')).not.toBeNull();
    expect(alone.logger.at('warn', 'is unreachable')).toHaveLength(1);
  });

  it('rejects a corrupt or torn shared snapshot like a corrupt dump and starts without it', async () => {
    const cluster = { redis: { host: '127.0.0.1', port: redis.port }, namespace: 'corrupt' };
    const writer = await startLocalInstance({ name: 'writer', refreshInterval: 0, cluster });
    opened.push(writer);
    await writer.fetch('k1');
    await writer.fetch('k2');
    await writer.store.dump(); // no dump file, but it shares a snapshot, and resolves once it is in Redis
    const [version, writeId] = await client.hmget('{corrupt:items}:snapshot', 'version', 'writer');
    expect(Number(version)).toBeGreaterThan(0);

    const chunk = `{corrupt:items}:snapshot:${writeId}:1`; // value 0 is the header, the payload follows
    const data = (await client.getBuffer(chunk))!;
    const flipped = Buffer.from(data);
    flipped[flipped.length - 3] ^= 0xff;
    await client.set(chunk, flipped);
    const reader = await startLocalInstance({ name: 'reader', refreshInterval: 0, cluster });
    opened.push(reader);
    expect((await reader.stats()).startedFrom).toBe('empty');
    expect(await reader.peek('k1')).toBeUndefined();
    expect(reader.logger.at('warn', 'shared snapshot can\'t be used: the payload checksum does not match')).toHaveLength(1);

    await client.del(chunk);
    const third = await startLocalInstance({ name: 'third', refreshInterval: 0, cluster });
    opened.push(third);
    expect((await third.stats()).startedFrom).toBe('empty');
    expect(third.logger.at('warn', `a chunk of version ${version} is missing`)).toHaveLength(1);
  });

  it('closes its Redis connections when bootstrap fails', async () => {
    const connections = async () => String(await client.client('LIST')).trim().split('\n').length;
    await waitFor(async () => (await connections()) === 1, 'the instances of earlier tests to be gone (only this test client left)');
    @CacheWorker({ bucket: 'stopping', refreshInterval: 0 })
    class StoppingStore extends CacheWorkerStore<string, string> {
      load(): LoadResult<string> {
        return { ok: false, error: 'not used' };
      }
      override init() {
        return { stop: 'the source is gone' };
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheWorkerModule.forRoot({ cluster: { redis: redis.url, namespace: 'stopping' } }),
        CacheWorkerModule.forFeature([StoppingStore]),
      ],
    })
      .setLogger(new RecordingLogger())
      .compile();
    // As in an app whose bootstrap fails: nobody calls close().
    await expect(moduleRef.createNestApplication().init()).rejects.toThrow('init stopped startup: the source is gone');
    await waitFor(async () => (await connections()) === 1, 'the failed instance to close its connections');
  });

  it('rejects invalid cluster options with a clear error naming the field', async () => {
    await expect(startLocalInstance({ name: 'bad', refreshInterval: 0, cluster: { redis: 42 as never } })).rejects.toThrow(
      'CacheWorkerModule.forRoot: field "cluster.redis": expected a redis:// or rediss:// URL, ioredis options, { nodes, ...clusterOptions } or an ioredis instance, got 42',
    );
    await expect(startLocalInstance({ name: 'bad', refreshInterval: 0, cluster: { redis: { nodes: [] } } })).rejects.toThrow(
      'field "cluster.redis.nodes": expected a non-empty array of { host, port }, "host:port" or ports, got object',
    );
    await expect(
      startLocalInstance({ name: 'bad', refreshInterval: 0, cluster: { redis: redis.url, namespace: ' ' } }),
    ).rejects.toThrow('field "cluster.namespace": expected a non-empty string, got " "');
  });
});
