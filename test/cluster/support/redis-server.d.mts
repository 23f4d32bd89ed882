/** A redis-server started by a test or benchmark on 127.0.0.1, without persistence. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL); nothing it held survives. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/** Finds `redis-server` on PATH or in the usual system folders; fails with a clear message when absent. */
export function findRedisServer(): string;

/** Starts redis-server on a free port of 127.0.0.1 and waits until it answers PING. */
export function startRedisServer(): Promise<RedisServer>;
