import { setImmediate as nextTurn } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { CacheWorkerDumpError } from '../errors/cache-worker.errors.js';
import {
  checkCount,
  decodeChunkBody,
  decodeHeader,
  detachedBody,
  encodeHeader,
  PayloadDecoder,
  type ChunkBody,
  type DecodedChunk,
  type DumpChunks,
  type DumpHeader,
  type EncodedChunk,
} from '../store/persistence/index.js';
import * as messages from '../cache-worker.messages.js';
import { decodeSeen, encodeSeen, type Seen } from './change-stamps.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisClient } from './redis-clients.js';
import { expectReply, isOk } from './redis-reply.js';

/**
 * Bytes per Redis value: far below Redis's 512 MB limit, each write short enough not to stall other
 * commands, and each value small enough to be read between two turns of the event loop.
 */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Bytes a snapshot's chunk of entries aims at: its text stays below V8's large-object size (128 KB),
 * so it is allocated, and dies, in the young generation, on the writer and on the readers. Larger,
 * each chunk's text went to the old generation, whose growth kept V8 marking the whole heap.
 */
export const ENCODED_CHUNK_BYTES = 64 * 1024;
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
 * chunk key prefix, TTL of replaced chunks, what the snapshot saw, the lease token ('' for none), the
 * CRC-32 of each payload value (comma-separated).
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
redis.call('hset', KEYS[1], 'version', version, 'writer', ARGV[1], 'chunks', #KEYS - 2, 'bytes', ARGV[3], 'time', ARGV[2], 'seen', ARGV[6], 'checksums', ARGV[8])
for i = 3, #KEYS do redis.call('persist', KEYS[i]) end
if old[2] then
  for i = 0, (tonumber(old[3]) or 0) - 1 do redis.call('pexpire', ARGV[4] .. old[2] .. ':' .. i, ARGV[5]) end
end
return {version, -1}`;

/** A snapshot as read from Redis, with the changes of each instance its writer had seen; or why it is unusable. */
export type StoredSnapshot = { version: number; dump: DumpChunks; seen: Seen } | { version: number; unusable: string };

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
export type SnapshotWrite =
  | { published: true; version: number; entries: number; bytes: number }
  | { published: false; lostChunk: number | null };

/**
 * The shared snapshot of one bucket in Redis: the bytes of a dump, in values under keys of their
 * writer (the header first, then the payload in about 1 MB each), and a hash naming the newest with
 * the checksum of each value. The values are written first; one script then checks they are all
 * there and publishes them, so a reader never finds a version with a value that was never written.
 * A replaced version lingers a minute for readers in progress. Each value's checksum, and the dump's
 * own checks (length, CRCs), reject whatever still arrives torn.
 */
export class SnapshotStore {
  private writes = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: ClusterKeys,
    private readonly writerId: string,
  ) {}

  /**
   * Streams the payload `chunks` of a snapshot to Redis as they are encoded, in values of about 1 MB
   * (value 0, the dump header, last: it holds the payload's length and checksum), then publishes it.
   * No buffer of the whole snapshot exists. Rejects when Redis refuses a command.
   */
  async write(bucket: string, chunks: Iterable<EncodedChunk>, meta: SnapshotMeta): Promise<SnapshotWrite> {
    const writeId = `${this.writerId}.${++this.writes}`;
    const chunkKeys = [this.keys.chunk(writeId, 0)];
    const store = async (value: Buffer, index: number) => {
      expectReply('SET', await this.redis.set(this.keys.chunk(writeId, index), value, 'PX', UNPUBLISHED_TTL_MS), isOk);
    };
    // One buffer for every value: filled again only once Redis has answered the SET of the one before.
    const pending = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    let pendingBytes = 0;
    const checksums: number[] = [];
    const flush = async () => {
      chunkKeys.push(this.keys.chunk(writeId, chunkKeys.length));
      const value = pending.subarray(0, pendingBytes);
      checksums.push(crc32(value));
      await store(value, chunkKeys.length - 1);
      pendingBytes = 0;
    };
    let crc = 0;
    let payloadLength = 0;
    let entries = 0;
    for (const chunk of chunks) {
      entries += chunk.entries;
      for (const part of chunk.frame) {
        crc = crc32(part, crc);
        payloadLength += part.length;
        for (let at = 0; at < part.length; ) {
          const copied = part.copy(pending, pendingBytes, at);
          pendingBytes += copied;
          at += copied;
          if (pendingBytes === CHUNK_BYTES) await flush();
        }
      }
      await nextTurn(); // each chunk is encoded when pulled: let the event loop run between two
    }
    if (pendingBytes > 0) await flush();
    const header = encodeHeader({ bucket, entries, payloadCrc: crc, payloadLength, createdAt: meta.createdAt });
    await store(header, 0);
    const bytes = header.length + payloadLength;
    const reply = await this.redis.eval(
      PUBLISH,
      2 + chunkKeys.length,
      this.keys.snapshot,
      this.keys.lease,
      ...chunkKeys,
      writeId,
      meta.createdAt,
      bytes,
      this.keys.chunkPrefix,
      REPLACED_TTL_MS,
      encodeSeen(meta.seen),
      meta.leaseToken ?? '',
      checksums.join(','),
    );
    const [version, lostChunk] = expectReply('EVAL (publish)', reply, isPair);
    if (version > 0) return { published: true, version, entries, bytes };
    return { published: false, lostChunk: lostChunk >= 0 ? lostChunk : null };
  }

  /** The newest version in Redis, 0 when there is none. */
  async latestVersion(): Promise<number> {
    return Number((await this.redis.hget(this.keys.snapshot, 'version')) ?? 0);
  }

  /**
   * The newest snapshot, its header checked; its chunks are read when the snapshot is applied, value by
   * value, each checked against the checksum its writer published before any of its chunks is decoded
   * (one at a time, a turn of the event loop apart). A snapshot whose writer published none (an older
   * version of this library) is first read whole to check its payload's checksum, none of it kept.
   * Or why it can't be used (a value missing, corrupt), or null when there is none. Rejects when Redis fails.
   */
  async read(bucket: string): Promise<StoredSnapshot | null> {
    const fields = await this.redis.hmget(this.keys.snapshot, 'version', 'writer', 'chunks', 'bytes', 'seen', 'checksums');
    const [version, count, bytes] = [fields[0], fields[2], fields[3]].map(Number);
    const writeId = fields[1];
    if (![version, count, bytes].every((n) => Number.isSafeInteger(n) && n > 0) || !writeId) return null;
    try {
      const header = decodeHeader(await this.value(writeId, version, 0), bytes, bucket);
      const checksums = publishedChecksums(fields[5], count - 1) ?? (await this.checksumsOfWhole(writeId, version, header, count));
      const dump = { entries: header.entries, createdAt: header.createdAt, chunks: () => this.chunks(writeId, version, header, checksums) };
      return { version, dump, seen: decodeSeen(fields[4]) };
    } catch (error) {
      if (error instanceof CacheWorkerDumpError) return { version, unusable: error.message };
      throw error;
    }
  }

  /** Reads a snapshot's payload values once, checking the payload whole (lengths, checksum, framing); their checksums. */
  private async checksumsOfWhole(writeId: string, version: number, header: DumpHeader, count: number): Promise<number[]> {
    const payload = new PayloadDecoder(header, true);
    const checksums: number[] = [];
    for (let index = 1; index < count; index++) {
      const part = await this.value(writeId, version, index);
      checksums.push(crc32(part));
      payload.push(part);
      payload.takeBodies(); // checked for their framing, not kept
    }
    payload.checkWhole();
    return checksums;
  }

  /**
   * The chunks of a snapshot, read value by value, each value checked against `checksums` and each
   * chunk decoded when pulled; at the end, the payload is checked whole and the count of entries too.
   */
  private async *chunks(writeId: string, version: number, header: DumpHeader, checksums: number[]): AsyncGenerator<DecodedChunk> {
    const payload = new PayloadDecoder(header, true);
    let entries = 0;
    for (let index = 1; index <= checksums.length; index++) {
      for (const body of await this.bodiesOf(payload, writeId, version, index, checksums[index - 1]!)) {
        const chunk = decodeChunkBody(body, header);
        entries += chunk.items.length / 2;
        yield chunk;
      }
    }
    payload.checkWhole();
    checkCount(header, entries);
  }

  /**
   * The chunks that value `index` completes, the value checked against `checksum`, holding nothing of it:
   * they are decoded a turn of the event loop apart, and the value is dropped at once.
   */
  private async bodiesOf(payload: PayloadDecoder, writeId: string, version: number, index: number, checksum: number): Promise<ChunkBody[]> {
    const part = await this.value(writeId, version, index);
    if (crc32(part) !== checksum) throw new CacheWorkerDumpError(messages.dumpPayloadChecksum());
    payload.push(part);
    return payload.takeBodies().map(detachedBody);
  }

  /** Value `index` of the snapshot `writeId` wrote (0: its header); throws `CacheWorkerDumpError` when it is gone. */
  private async value(writeId: string, version: number, index: number): Promise<Buffer> {
    const part = await this.redis.getBuffer(this.keys.chunk(writeId, index));
    if (part === null) throw new CacheWorkerDumpError(messages.snapshotTorn(version));
    return part;
  }
}

/** The checksums a writer published for `count` values, or null when it published none that fit. */
function publishedChecksums(field: string | null, count: number): number[] | null {
  if (!field) return null;
  const checksums = field.split(',').map(Number);
  return checksums.length === count && checksums.every((n) => Number.isSafeInteger(n) && n >= 0) ? checksums : null;
}

const isPair = (reply: unknown): reply is [number, number] =>
  Array.isArray(reply) && reply.length === 2 && reply.every((item) => Number.isSafeInteger(item));
