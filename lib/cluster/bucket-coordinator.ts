import type { BucketChange, EngineObserver } from '../store/engine-observer.js';
import type { CacheEngine } from '../store/cache-engine.js';
import type { SnapshotApplyResult, SnapshotPublishResult } from '../store/engine-tracer.js';
import type { DumpChunks } from '../store/persistence/index.js';
import type { CacheWorkerLogger } from '../store/logger.interface.js';
import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { ChangeStamps, type Seen } from './change-stamps.js';
import { decodeMessage, encodeMessage, type ClusterEnvelope, type ClusterMessage } from './channel-codec.js';
import type { ClusterKeys } from './cluster-keys.js';
import { OfflineQueue } from './offline-queue.js';
import { MAX_RETRY_DELAY_MS } from './redis-clients.js';
import { RedisLease } from './redis-lease.js';
import type { RedisConnection } from './redis-connection.js';
import { ENCODED_CHUNK_BYTES, SnapshotStore } from './snapshot-store.js';

/** Lease renewals per lease period: one late renewal still leaves time for the next. */
const RENEWALS_PER_TTL = 3;
/** Keys whose changes are kept while Redis is unreachable, to send when it is back. */
const OFFLINE_QUEUE_KEYS = 10_000;

/**
 * An instance's part in a bucket: the `leader` holds the lease and runs the refreshes, a `follower`
 * applies the leader's snapshots, and a bucket outside cluster mode, or cut off from Redis, is `local`.
 */
export type ClusterRole = 'leader' | 'follower' | 'local';

/**
 * Cluster mode for one bucket. The instance holding the bucket's lease runs the full refresh and
 * shares the snapshot; the others apply it. Changes and values loaded on reads go to the other
 * instances over the bucket's channel, each stamped (see `ChangeStamps`), so a snapshot never undoes
 * a change it hadn't seen. While Redis is unreachable the bucket works on its own, and its changes
 * wait to be sent.
 */
export class BucketCoordinator<K = unknown, V = unknown> implements EngineObserver<K, V> {
  private readonly lease: RedisLease | null;
  private readonly snapshots: SnapshotStore;
  private readonly stamps: ChangeStamps<K>;
  private readonly offline = new OfflineQueue<K>(OFFLINE_QUEUE_KEYS);
  private renewTimer: NodeJS.Timeout | null = null;
  /**
   * The snapshot version last applied or written here. Any other version in Redis is newer: versions
   * only grow, unless Redis lost its data, and then whatever is there is newer too.
   */
  private knownVersion = 0;
  /** What the snapshot read for the start-up saw: counted as seen once the bucket was filled from it. */
  private startSnapshotSeen: Seen | null = null;
  /** Messages received before the bucket was filled: applied after the fill, as they would have been. */
  private early: ClusterEnvelope[] | null = [];
  private catchingUp: Promise<void> | null = null;
  private sharing: Promise<void> | null = null;
  private queuedShare: Promise<void> | null = null;
  private closed = false;
  /** Settles once the bucket's channel is heard: a snapshot read before that could miss the changes made after it. */
  private readonly subscribed: Promise<void>;

  constructor(
    private readonly engine: CacheEngine<K, V>,
    private readonly connection: RedisConnection,
    private readonly keys: ClusterKeys,
    private readonly logger: CacheWorkerLogger,
  ) {
    const { refreshInterval } = engine.config;
    const { commands, instanceId } = connection;
    this.lease = refreshInterval ? new RedisLease(commands, keys.lease, instanceId, refreshInterval) : null;
    this.snapshots = new SnapshotStore(commands, keys, instanceId);
    this.stamps = new ChangeStamps<K>(instanceId);
    this.subscribed = connection.subscribe(keys.channel, (data) => this.receive(data));
    connection.onReconnect(() => {
      this.sendQueued();
      void this.catchUp();
    });
    engine.observe(this);
  }

  /** This instance's part in the bucket now. */
  get role(): ClusterRole {
    if (!this.connection.online) return 'local';
    return this.lease?.isHeld ? 'leader' : 'follower';
  }

  /** The shared snapshot for a warm start, or null when there is none, it is unusable or Redis is unreachable. */
  readonly sharedSnapshot = async (): Promise<DumpChunks | null> => {
    await this.subscribed;
    const read = await this.readSnapshot();
    this.startSnapshotSeen = read?.seen ?? null;
    return read?.dump ?? null;
  };

  /** The bucket is filled: the snapshot it came from counts as seen, and the messages that came meanwhile apply now. */
  started(): void {
    if (this.engine.stats().startedFrom === 'snapshot' && this.startSnapshotSeen) this.stamps.settle(this.startSnapshotSeen);
    this.startSnapshotSeen = null;
    const early = this.early ?? [];
    this.early = null;
    for (const envelope of early) this.apply(envelope);
  }

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
    } catch (error) {
      this.connection.refused(error);
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
    this.publish(change.type === 'clear' ? null : change.key, change);
  }

  loadStored(key: K, value: V, extra: unknown, maxAge: number): void {
    this.publish(key, maxAge < 0 ? { type: 'loaded', key, value, extra } : { type: 'loaded', key, value, extra, maxAge });
  }

  backedOff(key: K, error: string, until: number): void {
    this.publish(key, { type: 'failed', key, error, until });
  }

  refreshed(): void {
    void this.share();
  }

  dumpRequested(): Promise<void> {
    return this.share();
  }

  // ---- sending ----

  /** Stamps and sends a change of `key` (null: a clear); while Redis is unreachable it waits in the queue. */
  private publish(key: K | null, message: ClusterMessage): void {
    if (this.closed) return;
    const envelope = { from: this.connection.instanceId, seq: this.stamps.stampOwn(key).seq, message };
    if (!this.connection.online) {
      if (!this.offline.add(key, envelope)) this.logger.warn(messages.clusterOfflineQueueFull(OFFLINE_QUEUE_KEYS));
      return;
    }
    this.send(envelope);
  }

  private send(envelope: ClusterEnvelope): void {
    let data: Buffer;
    try {
      data = encodeMessage(envelope);
    } catch (error) {
      this.logger.warn(messages.clusterUnsendable(envelope.message.type, describeError(error)));
      return;
    }
    this.connection.publish(this.keys.channel, data);
  }

  /**
   * Sends what was queued while Redis was away, and once more when every other instance has had its
   * next reconnection attempt: an instance not yet back missed the first sending (the numbers of the
   * changes make the second one a no-op for the others).
   */
  private sendQueued(): void {
    const queued = this.offline.drain();
    if (queued.length === 0) return;
    for (const envelope of queued) this.send(envelope);
    setTimeout(() => {
      if (this.closed || !this.connection.online) return;
      for (const envelope of queued) this.send(envelope);
    }, MAX_RETRY_DELAY_MS).unref();
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
    const tracer = this.engine.tracer;
    const write = tracer === null ? this.writeSnapshot() : tracer.publishSnapshot(() => this.writeSnapshot());
    this.sharing = write.then(() => undefined).finally(() => (this.sharing = null));
    return this.sharing;
  }

  private async writeSnapshot(): Promise<SnapshotPublishResult> {
    // With a lease, only its holder shares, and only while the term it encoded in lasts.
    const leaseToken = this.lease?.heldToken ?? null;
    if (this.lease !== null && leaseToken === null) return { result: 'superseded' };
    try {
      const seen = this.stamps.capture();
      const { bucket } = this.engine.config;
      const written = await this.snapshots.write(bucket, this.engine.snapshotChunks(ENCODED_CHUNK_BYTES), { createdAt: Date.now(), seen, leaseToken });
      if (!written.published) {
        if (written.lostChunk === null) {
          this.logger.debug(messages.snapshotFenced());
          return { result: 'superseded' };
        }
        const lost = messages.snapshotChunkLost(written.lostChunk);
        this.logger.warn(messages.snapshotShareFailed(lost));
        return { result: 'failed', error: lost };
      }
      const { version } = written;
      this.knownVersion = version;
      this.stamps.settle(seen);
      // An announcement, not a change: it carries the last number this instance gave, and touches no key.
      this.send({ from: this.connection.instanceId, seq: Math.max(1, this.stamps.lastOwn), message: { type: 'snapshot', version } });
      this.logger.debug(messages.snapshotShared(version, written.entries, written.bytes));
      return { result: 'published', version, entries: written.entries, bytes: written.bytes };
    } catch (error) {
      if (this.connection.online && !this.connection.refused(error)) this.logger.warn(messages.snapshotShareFailed(describeError(error)));
      return { result: 'failed', error: describeError(error) };
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
    if (this.early !== null) this.early.push(envelope);
    else this.apply(envelope);
  }

  private apply(envelope: ClusterEnvelope): void {
    const { message } = envelope;
    if (message.type === 'snapshot') {
      if (message.version !== this.knownVersion) void this.catchUp();
      return;
    }
    if (!this.stamps.isNew(envelope)) return; // the snapshot this bucket holds has it already
    try {
      if (message.type === 'failed') {
        this.engine.applyFailure(message.key as K, message.error, message.until);
      } else if (message.type === 'loaded') {
        this.engine.applyLoaded(message.key as K, message.value as V, message.extra, message.maxAge);
      } else {
        this.engine.applyChange(message as BucketChange<K, V>);
      }
      this.stamps.accept(message.type === 'clear' ? null : (message.key as K), envelope);
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
    if (this.closed || !this.connection.online || this.early !== null) return;
    try {
      if ((await this.snapshots.latestVersion()) === this.knownVersion) return;
    } catch (error) {
      this.connection.refused(error); // or Redis went away: the connection logs that
      return;
    }
    const tracer = this.engine.tracer;
    await (tracer === null ? this.applySnapshot() : tracer.applySnapshot(() => this.applySnapshot()));
  }

  private async applySnapshot(): Promise<SnapshotApplyResult> {
    const read = await this.readSnapshot();
    if (read === null) return { result: 'failed', error: messages.snapshotAbsent() };
    if (this.closed) return { result: 'failed', error: messages.snapshotApplyAborted() };
    await this.engine.applySnapshot(read.dump, read.version, (key) => this.stamps.changedAfter(read.seen, key));
    this.stamps.settle(read.seen);
    return { result: 'applied', version: read.version, entries: read.dump.entries };
  }

  /** The shared snapshot with what its writer had seen, or null when there is none to use (an unusable one is logged). */
  private async readSnapshot(): Promise<{ version: number; dump: DumpChunks; seen: Seen } | null> {
    if (!this.connection.online) return null;
    let stored;
    try {
      stored = await this.snapshots.read(this.engine.config.bucket);
    } catch (error) {
      this.connection.refused(error); // or Redis went away: the connection logs that
      return null;
    }
    if (stored === null) return null;
    this.knownVersion = stored.version; // a broken version is not read again either
    if (!('unusable' in stored)) return stored;
    this.logger.warn(messages.snapshotUnusable(stored.unusable));
    return null;
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
        () => this.stopRenewing(), // the lease is not confirmed: no more publishing until it is taken again
      );
    }, Math.max(1, Math.floor(this.engine.config.refreshInterval! / RENEWALS_PER_TTL)));
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }
}
