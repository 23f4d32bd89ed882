/**
 * ioredis connection options (`host`, `port`, `password`, `username`, `db`, `tls`, …; see ioredis'
 * `RedisOptions`), Sentinel's included (`sentinels`, `name`, `sentinelPassword`, …).
 */
export interface ClusterRedisOptions {
  /** Redis host; ioredis' default is `localhost`. */
  host?: string;
  /** Redis port; ioredis' default is `6379`. */
  port?: number;
  [option: string]: unknown;
}

/** A Redis Cluster: its startup nodes, and ioredis' `ClusterOptions` (`redisOptions`, `dnsLookup`, `natMap`, …). */
export interface ClusterRedisNodesOptions {
  /** Some nodes of the cluster (`{ host, port }`, `'host:port'` or a port); ioredis finds the others. */
  nodes: ReadonlyArray<
    | {
        /** The node's host. */
        host?: string;
        /** The node's port. */
        port?: number;
      }
    | string
    | number
  >;
  [option: string]: unknown;
}

/**
 * An ioredis `Redis` or `Cluster`. Cluster mode opens its own connections with `duplicate()` and
 * never closes yours.
 */
export interface ClusterRedisInstance {
  /** A new connection with the same options. */
  duplicate(...override: never[]): unknown;
}

/** Options of cluster mode: `CacheWorkerModule.forRoot({ cluster })`. */
export interface CacheWorkerClusterOptions {
  /**
   * How to reach Redis: a `redis://` or `rediss://` URL, ioredis options (Sentinel's too),
   * `{ nodes, ...clusterOptions }` for a Redis Cluster, or an ioredis `Redis` or `Cluster`.
   */
  redis: ClusterRedisOptions | ClusterRedisNodesOptions | ClusterRedisInstance | string;
  /** Prefix of every Redis key and channel; the instances that share it act as one cache. Default `cache-worker`. */
  namespace?: string;
}
