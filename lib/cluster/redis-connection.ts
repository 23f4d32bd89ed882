import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import type { CacheWorkerLogger } from '../store/logger.interface.js';
import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import type { CacheWorkerClusterOptions } from './cluster-options.interface.js';

/** How long startup waits for Redis before it goes on with the local dump or `init`. */
const STARTUP_WAIT_MS = 2_000;
/** Longest pause between two reconnection attempts. */
const MAX_RETRY_DELAY_MS = 2_000;

/**
 * Our settings on every connection: a command fails at once while Redis is unreachable (cluster work
 * is background work, a read never waits for it), and reconnection goes on forever.
 */
const CONNECTION_SETTINGS = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RETRY_DELAY_MS),
};

/**
 * The two Redis connections of one application: one for commands and publishing, one subscribed to
 * the buckets' channels. ioredis is loaded here, only when cluster mode is configured. The first
 * loss of Redis is logged once, and its return once.
 */
export class RedisConnection {
  /** This instance's id: messages carry it so an instance ignores its own. */
  readonly instanceId = randomUUID();
  private readonly handlers = new Map<string, (data: Buffer) => void>();
  private readonly reconnectListeners: Array<() => void> = [];
  /** Down until both connections are first ready; a loss is logged when this turns true, a return when false. */
  private down = true;
  private closed = false;

  private constructor(
    readonly commands: Redis,
    private readonly subscriber: Redis,
    private readonly logger: CacheWorkerLogger,
  ) {
    for (const client of [commands, subscriber]) {
      client.on('error', (error: unknown) => this.lost(describeError(error)));
      client.on('close', () => this.lost(messages.clusterConnectionClosed()));
      client.on('ready', () => this.ready());
    }
    subscriber.on('messageBuffer', (channel: Buffer, data: Buffer) => this.handlers.get(channel.toString())?.(data));
  }

  /** Opens both connections and waits for them a short while; Redis being down doesn't fail startup. */
  static async open(options: CacheWorkerClusterOptions, logger: CacheWorkerLogger): Promise<RedisConnection> {
    let RedisClient: typeof Redis;
    try {
      ({ Redis: RedisClient } = await import('ioredis'));
    } catch (error) {
      throw new CacheWorkerConfigError(messages.clusterNeedsIoredis(describeError(error)));
    }
    const create = (): Redis => {
      const { redis } = options;
      if (typeof redis === 'string') return new RedisClient(redis, CONNECTION_SETTINGS);
      if (typeof (redis as { duplicate?: unknown }).duplicate === 'function') {
        return (redis as Redis).duplicate(CONNECTION_SETTINGS);
      }
      return new RedisClient({ ...redis, ...CONNECTION_SETTINGS });
    };
    const commands = create();
    // The subscriber queues its SUBSCRIBEs until connected, and ioredis repeats them after a reconnection.
    const subscriber = commands.duplicate({ enableOfflineQueue: true });
    const connection = new RedisConnection(commands, subscriber, logger);
    await Promise.race([
      Promise.allSettled([commands.connect(), subscriber.connect()]),
      new Promise((resolve) => setTimeout(resolve, STARTUP_WAIT_MS).unref()),
    ]);
    if (!connection.online) {
      logger.warn(messages.clusterUnreachable(connection.target, messages.clusterNotReadyInTime(STARTUP_WAIT_MS)));
    }
    return connection;
  }

  /** Whether both connections are up right now. */
  get online(): boolean {
    return this.commands.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** Where Redis is, without credentials, for log lines. */
  get target(): string {
    const { host, port, path } = this.commands.options;
    return path ? String(path) : `${host ?? 'localhost'}:${port ?? 6379}`;
  }

  /** Calls `handler` with every message on `channel`. */
  subscribe(channel: string, handler: (data: Buffer) => void): void {
    this.handlers.set(channel, handler);
    this.subscriber.subscribe(channel).catch((error: unknown) => this.lost(describeError(error)));
  }

  /** Calls `listener` each time Redis is back after a loss. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Closes both connections (an instance passed in options is left open). */
  close(): void {
    this.closed = true;
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  private lost(reason: string): void {
    if (this.closed || this.down) return;
    this.down = true;
    this.logger.warn(messages.clusterUnreachable(this.target, reason));
  }

  private ready(): void {
    if (this.closed || !this.down || !this.online) return;
    this.down = false;
    this.logger.log(messages.clusterReachable(this.target, this.instanceId));
    for (const listener of this.reconnectListeners) listener();
  }
}
