import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { CacheWorkerClusterOptions, ClusterRedisNodesOptions } from './cluster-options.interface.js';

/** A connection to a single Redis (or one found through Sentinel), or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** The ioredis exports cluster mode builds clients with. */
export interface IoredisModule {
  Redis: typeof Redis;
  Cluster: typeof Cluster;
}

/** Longest pause between two reconnection attempts. */
export const MAX_RETRY_DELAY_MS = 2_000;
const retryDelay = (attempt: number) => Math.min(attempt * 100, MAX_RETRY_DELAY_MS);

/**
 * A replica promoted away from (a Sentinel failover, a managed service's maintenance) answers writes
 * with READONLY: reconnecting finds the new primary.
 */
const reconnectOnReadOnly = (error: Error) => error.message.startsWith('READONLY');

/**
 * Our settings on every connection: a command fails at once while Redis is unreachable (cluster work
 * is background work, a read never waits for it), reconnection goes on forever, and no key prefix
 * (scripts build key names; the hash tag must lead).
 */
const NODE_SETTINGS = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: retryDelay,
  reconnectOnError: reconnectOnReadOnly,
  keyPrefix: '',
} satisfies RedisOptions;

/** The same for a Redis Cluster: its own retry option, and node options under `redisOptions`. */
const CLUSTER_SETTINGS = {
  lazyConnect: true,
  enableOfflineQueue: false,
  clusterRetryStrategy: retryDelay,
  keyPrefix: '',
  redisOptions: { maxRetriesPerRequest: 1, reconnectOnError: reconnectOnReadOnly, keyPrefix: '' },
} satisfies ClusterOptions;

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

export function isRedisInstance(value: unknown): value is RedisClient {
  return typeof (value as { duplicate?: unknown } | null)?.duplicate === 'function';
}

export function isNodesOptions(value: unknown): value is ClusterRedisNodesOptions {
  return typeof value === 'object' && value !== null && 'nodes' in value;
}

/** The connection cluster mode sends its commands on, from the `cluster.redis` option. */
export function createClient(ioredis: IoredisModule, redis: CacheWorkerClusterOptions['redis']): RedisClient {
  if (typeof redis === 'string') return new ioredis.Redis(redis, NODE_SETTINGS);
  if (isRedisInstance(redis)) return duplicateClient(redis);
  if (isNodesOptions(redis)) {
    const { nodes, ...options } = redis;
    return new ioredis.Cluster(nodes as ClusterNode[], clusterOptions(options as ClusterOptions));
  }
  return new ioredis.Redis({ ...(redis as RedisOptions), ...NODE_SETTINGS });
}

/** A new connection like `client`, with our settings and `override`: `Cluster.duplicate` takes startup nodes first. */
export function duplicateClient(client: RedisClient, override: RedisOptions & ClusterOptions = {}): RedisClient {
  if (isCluster(client)) return client.duplicate([], { ...clusterOptions(client.options), ...override });
  return client.duplicate({ ...NODE_SETTINGS, ...override });
}

function clusterOptions(options: ClusterOptions): ClusterOptions {
  return { ...options, ...CLUSTER_SETTINGS, redisOptions: { ...options.redisOptions, ...CLUSTER_SETTINGS.redisOptions } };
}

/** Where Redis is, without credentials, for log lines. */
export function describeTarget(client: RedisClient): string {
  const address = ({ host, port }: { host?: string; port?: number }) => `${host ?? 'localhost'}:${port ?? 6379}`;
  if (isCluster(client)) {
    const nodes = client.nodes('master').map((node) => address(node.options));
    return nodes.length > 0 ? `Redis Cluster ${nodes.join(',')}` : 'Redis Cluster';
  }
  const { host, port, path, sentinels, name } = client.options;
  if (sentinels?.length) return `${name ?? 'mymaster'} through Sentinel ${sentinels.map((sentinel) => address(sentinel as never)).join(',')}`;
  return path ? String(path) : address({ host, port });
}
