import { CacheWorkerDumpError } from '../errors/cache-worker.errors.js';
import * as messages from '../cache-worker.messages.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisClient } from './redis-clients.js';
import { expectReply, isOk } from './redis-reply.js';

/** Bytes per Redis value: far below Redis's 512 MB limit, and each write short enough not to stall other commands. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** How long the chunks of a replaced snapshot stay readable, for the instances reading them right now. */
const REPLACED_TTL_MS = 60_000;
/** Chunks live this long until their snapshot is published: a writer that dies midway leaves nothing behind. */
const UNPUBLISHED_TTL_MS = 600_000;

/**
 * Publishes a written snapshot, in one step on the bucket's node: if one of its chunks is gone
 * (evicted, or expired), it deletes the others and returns `{0, index}`. Otherwise it takes the next
 * version from the hash, names the new chunks there, keeps them, lets the replaced ones expire, and
 * returns `{version, -1}`. KEYS: the hash, then the chunks; ARGV: writer, time, bytes, chunk key prefix, TTL.
 */
const PUBLISH = `
for i = 2, #KEYS do
  if redis.call('exists', KEYS[i]) == 0 then
    for j = 2, #KEYS do redis.call('del', KEYS[j]) end
    return {0, i - 2}
  end
end
local old = redis.call('hmget', KEYS[1], 'version', 'writer', 'chunks')
local version = (tonumber(old[1]) or 0) + 1
redis.call('hset', KEYS[1], 'version', version, 'writer', ARGV[1], 'chunks', #KEYS - 1, 'bytes', ARGV[3], 'time', ARGV[2])
for i = 2, #KEYS do redis.call('persist', KEYS[i]) end
if old[2] then
  for i = 0, (tonumber(old[3]) or 0) - 1 do redis.call('pexpire', ARGV[4] .. old[2] .. ':' .. i, ARGV[5]) end
end
return {version, -1}`;

/** A snapshot as read from Redis. */
export interface StoredSnapshot {
  version: number;
  data: Buffer;
}

/** What a write came to: the published version, or the chunk Redis lost before it could be published. */
export type SnapshotWrite = { published: true; version: number } | { published: false; lostChunk: number };

/**
 * The shared snapshot of one bucket in Redis: the bytes of a dump, in chunks under keys of their
 * writer, and a hash naming the newest. The chunks are written first; one script then checks they
 * are all there and publishes them, so a reader never finds a version with a chunk that was never
 * written. A replaced version lingers a minute for readers in progress. The dump's own checks
 * (length, CRCs) reject whatever still arrives torn.
 */
export class SnapshotStore {
  private writes = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: ClusterKeys,
    private readonly writerId: string,
  ) {}

  /** Writes and publishes a snapshot; rejects when Redis refuses a command. */
  async write(data: Buffer, createdAt: number): Promise<SnapshotWrite> {
    const writeId = `${this.writerId}.${++this.writes}`;
    const count = Math.max(1, Math.ceil(data.length / CHUNK_BYTES));
    const chunkKeys: string[] = [];
    for (let index = 0; index < count; index++) {
      const key = this.keys.chunk(writeId, index);
      chunkKeys.push(key);
      const chunk = data.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES);
      expectReply('SET', await this.redis.set(key, chunk, 'PX', UNPUBLISHED_TTL_MS), isOk);
    }
    const reply = await this.redis.eval(
      PUBLISH,
      1 + count,
      this.keys.snapshot,
      ...chunkKeys,
      writeId,
      createdAt,
      data.length,
      this.keys.chunkPrefix,
      REPLACED_TTL_MS,
    );
    const [version, lostChunk] = expectReply('EVAL (publish)', reply, isPair);
    return version > 0 ? { published: true, version } : { published: false, lostChunk };
  }

  /** The newest version in Redis, 0 when there is none. */
  async latestVersion(): Promise<number> {
    return Number((await this.redis.hget(this.keys.snapshot, 'version')) ?? 0);
  }

  /** The newest snapshot, or null when there is none; rejects with `CacheWorkerDumpError` when a chunk is missing. */
  async read(): Promise<StoredSnapshot | null> {
    const [versionField, writeId, chunksField] = await this.redis.hmget(this.keys.snapshot, 'version', 'writer', 'chunks');
    const version = Number(versionField);
    const count = Number(chunksField);
    if (!Number.isSafeInteger(version) || version <= 0 || !Number.isSafeInteger(count) || count <= 0 || !writeId) return null;
    const parts: Buffer[] = [];
    for (let index = 0; index < count; index++) {
      const part = await this.redis.getBuffer(this.keys.chunk(writeId, index));
      if (part === null) throw new CacheWorkerDumpError(messages.snapshotTorn(version));
      parts.push(part);
    }
    return { version, data: Buffer.concat(parts) };
  }
}

const isPair = (reply: unknown): reply is [number, number] =>
  Array.isArray(reply) && reply.length === 2 && reply.every((item) => Number.isSafeInteger(item));
