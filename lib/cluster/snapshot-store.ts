import type { ChainableCommander, Redis } from 'ioredis';
import { CacheWorkerDumpError } from '../errors/cache-worker.errors.js';
import * as messages from '../cache-worker.messages.js';
import type { ClusterKeys } from './cluster-keys.js';

/** Bytes per Redis value: far below Redis's 512 MB limit, and each write short enough not to stall other commands. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** How long the chunks of a replaced snapshot stay readable, for the instances reading them right now. */
const REPLACED_TTL_MS = 60_000;
/** Chunks live this long until their snapshot is published: a writer that dies midway leaves nothing behind. */
const UNPUBLISHED_TTL_MS = 600_000;

/**
 * Publishes the snapshot hash only if its version is newer than the one there; returns the replaced
 * version and its chunk count, or false.
 */
const PUBLISH = `
local current = tonumber(redis.call('hget', KEYS[1], 'version') or '0')
if tonumber(ARGV[1]) <= current then return false end
local chunks = redis.call('hget', KEYS[1], 'chunks') or '0'
redis.call('hset', KEYS[1], 'version', ARGV[1], 'time', ARGV[2], 'chunks', ARGV[3], 'bytes', ARGV[4])
return {current, tonumber(chunks)}`;

/** A snapshot as read from Redis. */
export interface StoredSnapshot {
  version: number;
  data: Buffer;
}

/**
 * The shared snapshot of one bucket in Redis: the bytes of a dump, in chunks under versioned keys,
 * and a hash naming the newest version. Chunks are written first and the hash last, so a reader
 * never sees a version whose chunks aren't all there; a replaced version lingers a minute for
 * readers in progress. The dump's own checks (length, CRCs) reject whatever still arrives torn.
 */
export class SnapshotStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
  ) {}

  /** Writes a snapshot; resolves its version, or null when a newer one was published meanwhile. */
  async write(data: Buffer, createdAt: number): Promise<number | null> {
    const version = await this.redis.incr(this.keys.snapshotVersion);
    const count = Math.max(1, Math.ceil(data.length / CHUNK_BYTES));
    for (let index = 0; index < count; index++) {
      const chunk = data.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);
      await this.redis.set(this.keys.chunk(version, index), chunk, 'PX', UNPUBLISHED_TTL_MS);
    }
    const replaced = (await this.redis.eval(PUBLISH, 1, this.keys.snapshot, version, createdAt, count, data.length)) as
      | [number, number]
      | null;
    if (replaced === null) {
      await this.eachChunk(version, count, (pipeline, key) => pipeline.del(key));
      return null;
    }
    await this.eachChunk(version, count, (pipeline, key) => pipeline.persist(key));
    const [oldVersion, oldCount] = replaced;
    if (oldVersion > 0) {
      await this.eachChunk(oldVersion, oldCount, (pipeline, key) => pipeline.pexpire(key, REPLACED_TTL_MS));
    }
    return version;
  }

  /** The newest version in Redis, 0 when there is none. */
  async latestVersion(): Promise<number> {
    return Number((await this.redis.hget(this.keys.snapshot, 'version')) ?? 0);
  }

  /** The newest snapshot, or null when there is none; rejects with `CacheWorkerDumpError` when a chunk is missing. */
  async read(): Promise<StoredSnapshot | null> {
    const meta = await this.redis.hgetall(this.keys.snapshot);
    const version = Number(meta.version);
    const count = Number(meta.chunks);
    if (!Number.isSafeInteger(version) || version <= 0 || !Number.isSafeInteger(count) || count <= 0) return null;
    const parts: Buffer[] = [];
    for (let index = 0; index < count; index++) {
      const part = await this.redis.getBuffer(this.keys.chunk(version, index));
      if (part === null) throw new CacheWorkerDumpError(messages.snapshotTorn(version));
      parts.push(part);
    }
    return { version, data: Buffer.concat(parts) };
  }

  /** Runs one command on every chunk of a version, in one round trip. */
  private async eachChunk(
    version: number,
    count: number,
    command: (pipeline: ChainableCommander, key: string) => unknown,
  ): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (let index = 0; index < count; index++) command(pipeline, this.keys.chunk(version, index));
    await pipeline.exec();
  }
}
