import type { ChildProcess } from 'node:child_process';

/** A redis-server started by a test or benchmark on 127.0.0.1, without persistence. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, or `rediss://` for a TLS server. */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL); nothing it held survives. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

/** File paths of a CA certificate, and of a certificate and key it signed. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** The path of a command the tests need, which jest's globalSetup and the bench provide (scripts/provision/). */
export function requireCommand(name: string): string;
export function findRedisServer(): string;

/** Starts redis-server on a free port of 127.0.0.1 and waits until it answers PING. */
export function startRedisServer(options?: { args?: string[]; tls?: TlsFiles }): Promise<RedisServer>;

export function launch(binary: string, args: string[], port: number, tls?: TlsFiles): Promise<ChildProcess>;
export function terminate(child: ChildProcess): Promise<void>;
export function freePort(): Promise<number>;
