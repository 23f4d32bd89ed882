import { CacheWorkerDumpError } from '../errors/cache-worker.errors.js';
import type { BucketChange, EngineObserver } from '../store/engine-observer.js';
import type { CacheEngine } from '../store/cache-engine.js';
import { decodeDump, type DecodedDump } from '../store/persistence/index.js';
import type { CacheWorkerLogger } from '../store/logger.interface.js';
import { ValueKeyedMap } from '../store/value-keyed-map.js';
import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { decodeMessage, encodeMessage, type ClusterMessage } from './channel-codec.js';
import type { ClusterKeys } from './cluster-keys.js';
import { RedisLease } from './redis-lease.js';
import type { RedisConnection } from './redis-connection.js';
import { SnapshotStore } from './snapshot-store.js';

/** Lease renewals per lease period: one late renewal still leaves time for the next. */
const RENEWALS_PER_TTL = 3;

/**
 * Cluster mode for one bucket. The instance holding the bucket's lease runs the full refresh and
 * shares the snapshot; the others apply it. Changes and values loaded on reads go to the other
 * instances over the bucket's channel. While Redis is unreachable the bucket works on its own.
 */
export class BucketCoordinator<K = unknown, V = unknown> implements EngineObserver<K, V> {
  private readonly lease: RedisLease | null;
  private readonly snapshots: SnapshotStore;
  private renewTimer: NodeJS.Timeout | null = null;
  /**
   * The snapshot version last applied or written here. Any other version in Redis is newer: versions
   * only grow, unless Redis lost its data, and then whatever is there is newer too.
   */
  private knownVersion = 0;
  private catchingUp: Promise<void> | null = null;
  /** Keys the last applied snapshot lacked. */
  private lacked = new ValueKeyedMap<K, true>();
  private sharing: Promise<void> | null = null;
  private queuedShare: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly engine: CacheEngine<K, V>,
    private readonly connection: RedisConnection,
    private readonly keys: ClusterKeys,
    private readonly logger: CacheWorkerLogger,
  ) {
    const { refreshInterval } = engine.config;
    const { commands, instanceId } = connection;
    this.lease = refreshInterval ? new RedisLease(commands, keys.lease, instanceId, refreshInterval) : null;
    this.snapshots = new SnapshotStore(connection.commands, keys);
    connection.subscribe(keys.channel, (data) => this.receive(data));
    connection.onReconnect(() => void this.catchUp());
    engine.observe(this);
  }

  /** The shared snapshot for a warm start, or null when there is none, it is unusable or Redis is unreachable. */
  readonly sharedSnapshot = async (): Promise<DecodedDump | null> => (await this.readSnapshot())?.dump ?? null;

  /**
   * A refresh tick. The lease holder refreshes; the others only pick up a snapshot they may have
   * missed. Without Redis, every instance refreshes on its own.
   */
  async tick(): Promise<void> {
    if (this.closed) return;
    if (!this.connection.online || this.lease === null) return this.refreshAlone();
    const wasLeading = this.lease.isHeld;
    let leads: boolean;
    try {
      leads = await this.lease.hold();
    } catch {
      return this.refreshAlone();
    }
    if (leads !== wasLeading) this.logger.debug(leads ? messages.clusterLeads() : messages.clusterFollows());
    if (!leads) {
      this.stopRenewing();
      return this.catchUp();
    }
    this.startRenewing();
    this.engine.refreshTick();
  }

  /** Leaves the cluster: the lease is given up so another instance takes over at its next tick. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopRenewing();
    await this.sharing;
    if (this.lease?.isHeld && this.connection.online) await this.lease.release().catch(() => undefined);
  }

  // ---- what the engine tells us ----

  changed(change: BucketChange<K, V>): void {
    this.publish(change);
  }

  loadStored(key: K, value: V, extra: unknown, maxAge: number): void {
    this.publish(maxAge < 0 ? { type: 'loaded', key, value, extra } : { type: 'loaded', key, value, extra, maxAge });
  }

  backedOff(key: K, error: string, until: number): void {
    this.publish({ type: 'failed', key, error, until });
  }

  refreshed(): void {
    void this.share();
  }

  dumpRequested(): Promise<void> {
    return this.share();
  }

  // ---- sending ----

  private publish(message: ClusterMessage): void {
    if (this.closed || !this.connection.online) return;
    let data: Buffer;
    try {
      data = encodeMessage({ from: this.connection.instanceId, message });
    } catch (error) {
      this.logger.warn(messages.clusterUnsendable(message.type, describeError(error)));
      return;
    }
    this.connection.commands.publish(this.keys.channel, data).catch(() => undefined); // a loss is logged by the connection
  }

  /**
   * Writes the bucket's snapshot to Redis and announces it. Requests made during a write share one
   * write after it, which sees their changes. Never rejects.
   */
  private share(): Promise<void> {
    if (this.closed || !this.connection.online) return Promise.resolve();
    if (this.sharing) {
      this.queuedShare ??= this.sharing.then(() => {
        this.queuedShare = null;
        return this.share();
      });
      return this.queuedShare;
    }
    this.sharing = this.writeSnapshot().finally(() => (this.sharing = null));
    return this.sharing;
  }

  private async writeSnapshot(): Promise<void> {
    try {
      const snapshot = await this.engine.encodeSnapshot();
      const version = await this.snapshots.write(snapshot.data, Date.now());
      if (version === null) return;
      this.knownVersion = version;
      this.publish({ type: 'snapshot', version });
      this.logger.debug(messages.snapshotShared(version, snapshot.entries, snapshot.data.length));
    } catch (error) {
      if (this.connection.online) this.logger.warn(messages.snapshotShareFailed(describeError(error)));
    }
  }

  // ---- receiving ----

  private receive(data: Buffer): void {
    if (this.closed) return;
    const envelope = decodeMessage(data);
    if (envelope === null) {
      this.logger.debug(messages.clusterUnreadableMessage(this.keys.channel));
      return;
    }
    if (envelope.from === this.connection.instanceId) return;
    const message = envelope.message;
    try {
      if (message.type === 'snapshot') {
        if (message.version !== this.knownVersion) void this.catchUp();
      } else if (message.type === 'failed') {
        this.engine.applyFailure(message.key as K, message.error, message.until);
      } else if (message.type === 'loaded') {
        this.engine.applyLoaded(message.key as K, message.value as V, message.extra, message.maxAge);
      } else {
        this.engine.applyChange(message as BucketChange<K, V>);
      }
    } catch (error) {
      this.logger.warn(messages.clusterUnappliable(message.type, describeError(error)));
    }
  }

  /** Applies the shared snapshot if it isn't the one this instance last applied or wrote. */
  private catchUp(): Promise<void> {
    this.catchingUp ??= this.applyNewerSnapshot()
      .catch((error: unknown) => this.logger.warn(messages.snapshotUnusable(describeError(error))))
      .finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  private async applyNewerSnapshot(): Promise<void> {
    if (this.closed || !this.connection.online) return;
    try {
      if ((await this.snapshots.latestVersion()) === this.knownVersion) return;
    } catch {
      return; // Redis went away: the connection logs it
    }
    const read = await this.readSnapshot();
    if (read === null || this.closed) return;
    const lacked = new ValueKeyedMap<K, true>();
    for (const key of this.engine.applySnapshot(read.dump)) {
      // A key only this instance has (loaded while Redis was away) is loaded once, which shares it. A key
      // the snapshot lacks only once may just have been loaded after the snapshot was taken.
      if (this.lacked.has(key)) void this.engine.fetch(key, { reload: true });
      else lacked.set(key, true);
    }
    this.lacked = lacked;
  }

  private async readSnapshot(): Promise<{ version: number; dump: DecodedDump } | null> {
    if (!this.connection.online) return null;
    let stored;
    try {
      stored = await this.snapshots.read();
    } catch (error) {
      if (error instanceof CacheWorkerDumpError) this.logger.warn(messages.snapshotUnusable(error.message));
      return null;
    }
    if (stored === null) return null;
    try {
      const dump = decodeDump(stored.data, this.engine.config.bucket);
      this.knownVersion = stored.version;
      return { version: stored.version, dump };
    } catch (error) {
      this.knownVersion = stored.version; // don't read the same broken version again
      this.logger.warn(messages.snapshotUnusable(describeError(error)));
      return null;
    }
  }

  private refreshAlone(): void {
    if (this.lease?.isHeld) this.logger.debug(messages.clusterFollows());
    this.lease?.forget();
    this.stopRenewing();
    this.engine.refreshTick();
  }

  private startRenewing(): void {
    if (this.renewTimer || this.lease === null) return;
    const lease = this.lease;
    this.renewTimer = setInterval(() => {
      lease.renew().then(
        (held) => held || this.stopRenewing(),
        () => this.stopRenewing(),
      );
    }, Math.max(1, Math.floor(this.engine.config.refreshInterval! / RENEWALS_PER_TTL)));
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }
}
