/** A local Redis Cluster of masters on 127.0.0.1. */
export interface RedisClusterServers {
  readonly nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

export function startRedisCluster(masters?: number): Promise<RedisClusterServers>;
