import { CacheWorkerDumpError } from '../errors/cache-worker.errors.js';
import * as messages from '../cache-worker.messages.js';
import { decodeSeen, encodeSeen, type Seen } from './change-stamps.js';
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
 * Publishes a written snapshot, in one step on the bucket's node. Refused (`{0, -1}`, its chunks
 * deleted) when it is fenced with a lease token the lease no longer holds. If one of its chunks is
 * gone (evicted, or expired), it deletes the others and returns `{0, index}`. Otherwise it takes the
 * next version from the hash, names the new chunks there, keeps them, lets the replaced ones expire,
 * and returns `{version, -1}`. KEYS: the hash, the lease, then the chunks; ARGV: writer, time, bytes,
 * chunk key prefix, TTL of replaced chunks, what the snapshot saw, the lease token ('' for none).
 */
const PUBLISH = `
local function discard(result)
  for j = 3, #KEYS do redis.call('del', KEYS[j]) end
  return result
end
if ARGV[7] ~= '' and redis.call('get', KEYS[2]) ~= ARGV[7] then return discard({0, -1}) end
for i = 3, #KEYS do
  if redis.call('exists', KEYS[i]) == 0 then return discard({0, i - 3}) end
end
local old = redis.call('hmget', KEYS[1], 'version', 'writer', 'chunks')
local version = (tonumber(old[1]) or 0) + 1
redis.call('hset', KEYS[1], 'version', version, 'writer', ARGV[1], 'chunks', #KEYS - 2, 'bytes', ARGV[3], 'time', ARGV[2], 'seen', ARGV[6])
for i = 3, #KEYS do redis.call('persist', KEYS[i]) end
if old[2] then
  for i = 0, (tonumber(old[3]) or 0) - 1 do redis.call('pexpire', ARGV[4] .. old[2] .. ':' .. i, ARGV[5]) end
end
return {version, -1}`;

/** A snapshot as read from Redis, with the changes of each instance its writer had seen. */
export interface StoredSnapshot {
  version: number;
  data: Buffer;
  seen: Seen;
}

/** What is published with a snapshot's bytes. */
export interface SnapshotMeta {
  createdAt: number;
  /** The changes of each instance the writer had seen when it encoded the snapshot. */
  seen: Seen;
  /** The writer's lease token when it encoded it: published only if the lease still holds it. */
  leaseToken: string | null;
}

/**
 * What a write came to: the published version, or why it wasn't: the lease moved on (`lostChunk`
 * null), or Redis lost a chunk before it could be published.
 */
export type SnapshotWrite = { published: true; version: number } | { published: false; lostChunk: number | null };

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
  async write(data: Buffer, meta: SnapshotMeta): Promise<SnapshotWrite> {
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
      2 + count,
      this.keys.snapshot,
      this.keys.lease,
      ...chunkKeys,
      writeId,
      meta.createdAt,
      data.length,
      this.keys.chunkPrefix,
      REPLACED_TTL_MS,
      encodeSeen(meta.seen),
      meta.leaseToken ?? '',
    );
    const [version, lostChunk] = expectReply('EVAL (publish)', reply, isPair);
    if (version > 0) return { published: true, version };
    return { published: false, lostChunk: lostChunk >= 0 ? lostChunk : null };
  }

  /** The newest version in Redis, 0 when there is none. */
  async latestVersion(): Promise<number> {
    return Number((await this.redis.hget(this.keys.snapshot, 'version')) ?? 0);
  }

  /** The newest snapshot, or null when there is none; rejects with `CacheWorkerDumpError` when a chunk is missing. */
  async read(): Promise<StoredSnapshot | null> {
    const [versionField, writeId, chunksField, seen] = await this.redis.hmget(this.keys.snapshot, 'version', 'writer', 'chunks', 'seen');
    const version = Number(versionField);
    const count = Number(chunksField);
    if (!Number.isSafeInteger(version) || version <= 0 || !Number.isSafeInteger(count) || count <= 0 || !writeId) return null;
    const parts: Buffer[] = [];
    for (let index = 0; index < count; index++) {
      const part = await this.redis.getBuffer(this.keys.chunk(writeId, index));
      if (part === null) throw new CacheWorkerDumpError(messages.snapshotTorn(version));
      parts.push(part);
    }
    return { version, data: Buffer.concat(parts), seen: decodeSeen(seen) };
  }
}

const isPair = (reply: unknown): reply is [number, number] =>
  Array.isArray(reply) && reply.length === 2 && reply.every((item) => Number.isSafeInteger(item));
