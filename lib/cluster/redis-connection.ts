import { randomUUID } from 'node:crypto';
import { CacheWorkerConfigError } from '../errors/cache-worker.errors.js';
import type { CacheWorkerLogger } from '../store/logger.interface.js';
import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { probeChannel } from './cluster-keys.js';
import type { CacheWorkerClusterOptions } from './cluster-options.interface.js';
import { createClient, describeTarget, duplicateClient, isCluster, type IoredisModule, type RedisClient } from './redis-clients.js';
import { refusalAdvice } from './redis-refusal.js';

/** How long startup waits for Redis before it goes on with the local dump or `init`. */
const STARTUP_WAIT_MS = 2_000;

/**
 * The two Redis connections of one application: one for commands and publishing, one subscribed to
 * the buckets' channels. ioredis is loaded here, only when cluster mode is configured. The first
 * loss of Redis is logged once, and its return once; a refusal that means misconfiguration is
 * logged once per command, and is not a loss.
 *
 * Channels are sharded (SSUBSCRIBE, SPUBLISH: Redis 7 and later) when the server has them, so on a
 * Redis Cluster a message only travels to the node of its bucket's slot; classic otherwise.
 */
export class RedisConnection {
  /** This instance's id: messages carry it so an instance ignores its own. */
  readonly instanceId = randomUUID();
  private readonly handlers = new Map<string, (data: Buffer) => void>();
  private readonly reconnectListeners: Array<() => void> = [];
  private readonly refusals = new Set<string>();
  /** Down until both connections are first ready; a loss is logged when this turns true, a return when false. */
  private down = true;
  /** Whether the server has sharded channels: known from the first connection on. */
  private sharded: boolean | null = null;
  private closed = false;
  private settled: () => void = () => undefined;
  /** Resolves once both connections are ready the first time, and the kind of channels is known. */
  private readonly firstReady = new Promise<void>((resolve) => (this.settled = resolve));

  private constructor(
    readonly commands: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly namespace: string,
    private readonly logger: CacheWorkerLogger,
  ) {
    for (const client of [commands, subscriber]) {
      client.on('error', (error: unknown) => this.lost(describeError(error)));
      client.on('close', () => this.lost(messages.clusterConnectionClosed()));
      client.on('ready', () => void this.ready());
    }
    const deliver = (channel: Buffer, data: Buffer) => this.handlers.get(channel.toString())?.(data);
    subscriber.on('messageBuffer', deliver);
    subscriber.on('smessageBuffer', deliver);
  }

  /** Opens both connections and waits for them a short while; Redis being down doesn't fail startup. */
  static async open(options: CacheWorkerClusterOptions, namespace: string, logger: CacheWorkerLogger): Promise<RedisConnection> {
    let ioredis: IoredisModule;
    try {
      ioredis = await import('ioredis');
    } catch (error) {
      throw new CacheWorkerConfigError(messages.clusterNeedsIoredis(describeError(error)));
    }
    const commands = createClient(ioredis, options.redis);
    // The subscriber queues its SUBSCRIBEs until connected, and ioredis repeats them after a reconnection.
    // On a Redis Cluster, sharded subscribers reach each bucket's channel on the node of its slot.
    const subscriber = duplicateClient(commands, { enableOfflineQueue: true, ...(isCluster(commands) && { shardedSubscribers: true }) });
    const connection = new RedisConnection(commands, subscriber, namespace, logger);
    commands.connect().catch(() => undefined); // a failure is an 'error' event, and retried
    subscriber.connect().catch(() => undefined);
    await Promise.race([connection.firstReady, new Promise((resolve) => setTimeout(resolve, STARTUP_WAIT_MS).unref())]);
    if (!connection.online) {
      logger.warn(messages.clusterUnreachable(connection.target, messages.clusterNotReadyInTime(STARTUP_WAIT_MS)));
    }
    return connection;
  }

  /** Whether both connections are up right now. */
  get online(): boolean {
    return this.sharded !== null && this.commands.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** Where Redis is, without credentials, for log lines. */
  get target(): string {
    return describeTarget(this.commands);
  }

  /**
   * Calls `handler` with every message on `channel`; resolves once Redis confirmed the subscription,
   * or at once while Redis is unreachable (the subscription is made on connection). Never rejects.
   */
  subscribe(channel: string, handler: (data: Buffer) => void): Promise<void> {
    this.handlers.set(channel, handler);
    return this.sharded === null ? Promise.resolve() : this.listen(channel);
  }

  /** Sends `data` on `channel`; a failure is logged by the connection (a loss) or here (a refusal). */
  publish(channel: string, data: Buffer): void {
    const sent = this.sharded ? this.commands.spublish(channel, data) : this.commands.publish(channel, data);
    sent.catch((error: unknown) => this.refused(error));
  }

  /**
   * Logs `error` once per command and kind when it means misconfiguration, and says whether it did;
   * any other failure is left to the connection's own loss log.
   */
  refused(error: unknown): boolean {
    const refusal = refusalAdvice(error, this.namespace);
    if (refusal === null) return false;
    const command = (error as { command?: { name?: string } }).command?.name?.toUpperCase() ?? 'a command';
    const seen = `${command} ${refusal.kind}`;
    if (!this.refusals.has(seen)) {
      this.refusals.add(seen);
      this.logger.warn(messages.redisMisconfigured(command, describeError(error), refusal.advice));
    }
    return true;
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
    this.settled();
  }

  private lost(reason: string): void {
    if (this.closed || this.down) return;
    this.down = true;
    this.logger.warn(messages.clusterUnreachable(this.target, reason));
  }

  private async ready(): Promise<void> {
    if (this.commands.status !== 'ready' || this.subscriber.status !== 'ready') return;
    if (this.sharded === null) {
      const sharded = await this.detectSharding();
      if (sharded === null || this.sharded !== null) return; // lost meanwhile (retried at the next ready), or done by another call
      this.sharded = sharded;
      for (const channel of this.handlers.keys()) this.listen(channel);
      this.settled();
    }
    if (this.closed || !this.down || !this.online) return;
    this.down = false;
    this.logger.log(messages.clusterReachable(this.target, this.instanceId));
    for (const listener of this.reconnectListeners) listener();
  }

  /**
   * Whether the server has sharded channels: SPUBLISH on a channel of the namespace nobody listens
   * to. A refusal other than an unknown command still means the server has it (and is logged). Null
   * when Redis went away meanwhile.
   */
  private async detectSharding(): Promise<boolean | null> {
    try {
      await this.commands.spublish(probeChannel(this.namespace), '');
      return true;
    } catch (error) {
      if (/unknown command/i.test(describeError(error))) return false;
      return this.refused(error) ? true : null;
    }
  }

  private listen(channel: string): Promise<void> {
    const subscribed = this.sharded ? this.subscriber.ssubscribe(channel) : this.subscriber.subscribe(channel);
    return subscribed.then(
      () => undefined,
      (error: unknown) => void (this.refused(error) || this.lost(describeError(error))),
    );
  }
}
