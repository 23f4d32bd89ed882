import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import type { CacheEngine } from '../store/cache-engine.js';
import type { CacheWorkerLogger } from '../store/logger.interface.js';
import * as messages from '../cache-worker.messages.js';
import { BucketCoordinator } from './bucket-coordinator.js';
import { clusterKeys } from './cluster-keys.js';
import type { CacheWorkerClusterOptions } from './cluster-options.interface.js';
import { isNodesOptions, isRedisInstance } from './redis-clients.js';
import { RedisConnection } from './redis-connection.js';

/** The namespace when the options name none. */
export const DEFAULT_CLUSTER_NAMESPACE = 'cache-worker';

/**
 * Cluster mode of one application: its Redis connection and the coordinator of every bucket that
 * takes part. Knows nothing of Nest.
 */
export class ClusterCoordinator {
  private readonly buckets: BucketCoordinator[] = [];

  private constructor(
    private readonly connection: RedisConnection,
    private readonly namespace: string,
    private readonly logger: CacheWorkerLogger,
  ) {}

  /** Checks the options and connects; Redis being unreachable doesn't fail (it is retried in the background). */
  static async open(options: unknown, logger: CacheWorkerLogger): Promise<ClusterCoordinator> {
    const checked = checkClusterOptions(options);
    const namespace = checked.namespace ?? DEFAULT_CLUSTER_NAMESPACE;
    const connection = await RedisConnection.open(checked, namespace, logger);
    return new ClusterCoordinator(connection, namespace, logger);
  }

  /** Makes a bucket take part; its engine must not have started yet. */
  join<K, V>(engine: CacheEngine<K, V>, logger: CacheWorkerLogger = this.logger): BucketCoordinator<K, V> {
    const keys = clusterKeys(this.namespace, engine.config.bucket);
    const bucket = new BucketCoordinator(engine, this.connection, keys, logger);
    this.buckets.push(bucket as BucketCoordinator);
    return bucket;
  }

  /** Gives up every lease and closes the connection. */
  async close(): Promise<void> {
    await Promise.all(this.buckets.map((bucket) => bucket.close()));
    this.connection.close();
  }
}

/** Checks `forRoot({ cluster })`; throws naming the field. */
function checkClusterOptions(options: unknown): CacheWorkerClusterOptions {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new CacheWorkerConfigError(messages.invalidClusterOption(field, expected, value));
  };
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(options)) return fail('cluster', 'an object', options);
  const { redis, namespace } = options as Record<string, unknown>;
  if (!((typeof redis === 'string' && redis.trim() !== '') || isObject(redis))) {
    fail('cluster.redis', 'a redis:// or rediss:// URL, ioredis options, { nodes, ...clusterOptions } or an ioredis instance', redis);
  }
  if (isNodesOptions(redis) && !isRedisInstance(redis)) {
    const { nodes } = redis;
    if (!Array.isArray(nodes) || nodes.length === 0) fail('cluster.redis.nodes', 'a non-empty array of { host, port }, "host:port" or ports', nodes);
  }
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace.trim() === '')) {
    fail('cluster.namespace', 'a non-empty string', namespace);
  }
  return options as CacheWorkerClusterOptions;
}
