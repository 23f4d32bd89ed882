/** A redis-server started by a test or benchmark on 127.0.0.1, without persistence. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL); nothing it held survives. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/** The path of `redis-server`, which jest's globalSetup and the bench provide (scripts/provision/). */
export function findRedisServer(): string;

/** Starts redis-server on a free port of 127.0.0.1 and waits until it answers PING. */
export function startRedisServer(): Promise<RedisServer>;
