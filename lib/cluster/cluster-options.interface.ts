/** ioredis connection options (`host`, `port`, `password`, `db`, `tls`, …; see ioredis' `RedisOptions`). */
export interface ClusterRedisOptions {
  /** Redis host; ioredis' default is `localhost`. */
  host?: string;
  /** Redis port; ioredis' default is `6379`. */
  port?: number;
  [option: string]: unknown;
}

/** An ioredis client. Cluster mode opens its own connections with `duplicate()` and never closes yours. */
export interface ClusterRedisInstance {
  /** A new connection with the same options (and `override`). */
  duplicate(override?: object): unknown;
}

/** Options of cluster mode: `CacheWorkerModule.forRoot({ cluster })`. */
export interface CacheWorkerClusterOptions {
  /** How to reach Redis: ioredis options, a `redis://` URL, or an ioredis instance. */
  redis: ClusterRedisOptions | ClusterRedisInstance | string;
  /** Prefix of every Redis key and channel; the instances that share it act as one cache. Default `cache-worker`. */
  namespace?: string;
}
