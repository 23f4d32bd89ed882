import { setImmediate as nextTurn } from 'node:timers/promises';
import { serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import * as messages from '../../cache-worker.messages.js';
import { encodeKey } from './key-codec.js';
import { isJsonData } from './json-data.js';
import type { StoredAge } from '../bucket/lifetimes.js';

/**
 * The dump format: a header, then the payload as length-prefixed chunks, each a flat array
 * [key, value, key, value, …]. A chunk whose entries are all plain JSON data is JSON text (UTF-8):
 * `JSON.parse` reads it faster than `v8.deserialize`, mostly because it reuses repeated short
 * strings. Any other chunk is a `node:v8` serialization, which round-trips Map, Set, Date, BigInt,
 * -0, undefined and shared references within the chunk. Neither can run code when read (no classes,
 * no revivers). The first byte tells them apart: `[` for JSON, 0xFF (v8's version tag) otherwise.
 * Keys that hold class instances are written wrapped, with their class names (see key-codec.ts).
 * Since version 3 a chunk ends with one more item: null, or the ages of its entries, two numbers
 * each (when the entry was stored, ms since the epoch; its own max age, or -1 for the bucket's).
 * Version 2 has no ages (its entries count as stored when the dump was written); version 1 had only
 * v8 chunks, so it reads as version 2.
 *
 * Header (little endian): magic "NCWDUMP\0" · u16 format version · u16 bucket name length ·
 * u32 entry count · u32 payload CRC-32 · f64 creation time (ms) · u64 payload length ·
 * bucket name (UTF-8) · u32 CRC-32 of everything before it.
 */
export const DUMP_FORMAT_VERSION = 3;
export const OLDEST_READABLE_VERSION = 1;
/** The first version whose chunks end with the ages of their entries. */
export const FIRST_VERSION_WITH_AGES = 3;
/** The first byte of a JSON chunk: '['. */
export const JSON_CHUNK_START = 0x5b;
/** The first byte of a v8 chunk: its serializer's version tag. */
export const V8_CHUNK_START = 0xff;

/** Entries serialized per chunk at most: small enough that one chunk never blocks the loop for long. */
const CHUNK_ENTRIES = 2048;
export const MAGIC = Buffer.from('NCWDUMP\0', 'latin1');
export const FIXED_HEADER = 36;
/** The longest header: a bucket name's length is a u16. */
export const MAX_HEADER = FIXED_HEADER + 0xffff + 4;

export interface DumpHeaderFields {
  bucket: string;
  entries: number;
  payloadCrc: number;
  payloadLength: number;
  createdAt: number;
}

export function headerLength(bucket: string): number {
  return FIXED_HEADER + Buffer.byteLength(bucket) + 4;
}

export function encodeHeader(fields: DumpHeaderFields): Buffer {
  const name = Buffer.from(fields.bucket);
  const header = Buffer.alloc(FIXED_HEADER + name.length + 4);
  MAGIC.copy(header, 0);
  header.writeUInt16LE(DUMP_FORMAT_VERSION, 8);
  header.writeUInt16LE(name.length, 10);
  header.writeUInt32LE(fields.entries, 12);
  header.writeUInt32LE(fields.payloadCrc >>> 0, 16);
  header.writeDoubleLE(fields.createdAt, 20);
  header.writeBigUInt64LE(BigInt(fields.payloadLength), 28);
  name.copy(header, FIXED_HEADER);
  header.writeUInt32LE(crc32(header.subarray(0, FIXED_HEADER + name.length)), FIXED_HEADER + name.length);
  return header;
}

/** One serialized chunk of entries, framed; entries that can't be serialized are left out and counted. */
export interface EncodedChunk {
  frame: Buffer[];
  bytes: number;
  entries: number;
  leftOut: number;
  firstError: string | null;
}

/** Serializes one chunk of entries (keys and values alternating) with their ages (two numbers per entry), or null. */
export function encodeChunk(flat: unknown[], ages: number[] | null = null): EncodedChunk {
  const json = jsonText(flat, ages);
  if (json !== null) return frameChunk(Buffer.from(json, 'utf8'), flat.length / 2, 0, null);
  let body: Buffer;
  let leftOut = 0;
  let firstError: string | null = null;
  const entries = flat.length / 2;
  flat.push(ages); // the chunk as v8 serializes it: the entries, then their ages
  try {
    body = serialize(flat);
  } catch {
    flat.pop();
    // Find the entries that can't be serialized (functions, symbols, …) and keep the rest.
    const kept: unknown[] = [];
    const keptAges: number[] | null = ages === null ? null : [];
    for (let i = 0; i < flat.length; i += 2) {
      try {
        serialize([flat[i], flat[i + 1]]);
        kept.push(flat[i], flat[i + 1]);
        keptAges?.push(ages![i]!, ages![i + 1]!);
      } catch {
        leftOut++;
        firstError ??= messages.notCloneable(kindOf(flat[i + 1]));
      }
    }
    kept.push(keptAges);
    body = serialize(kept);
    return frameChunk(body, (kept.length - 1) / 2, leftOut, firstError);
  }
  return frameChunk(body, entries, leftOut, firstError);
}

function frameChunk(body: Buffer, entries: number, leftOut: number, firstError: string | null): EncodedChunk {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length, 0);
  return { frame: [length, body], bytes: 4 + body.length, entries, leftOut, firstError };
}

/** The entries as JSON text when JSON gives them back exactly, else null. */
function jsonText(flat: unknown[], ages: number[] | null): string | null {
  try {
    for (let i = 0; i < flat.length; i++) if (!isJsonData(flat[i])) return null;
    // A getter may answer differently the second time: whatever stringify meets, it must not throw.
    flat.push(ages); // the ages item after the entries (numbers: always JSON data)
    try {
      return JSON.stringify(flat);
    } finally {
      flat.pop();
    }
  } catch {
    return null;
  }
}

/** The kind of a value that can't be cloned, never its content: V8's own message quotes the value. */
function kindOf(value: unknown): string {
  try {
    return typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
  } catch {
    return 'object';
  }
}

/** Entries to dump, with the age of each when the bucket keeps ages. */
export interface DumpSource extends Iterable<[unknown, unknown]> {
  /** The age of a resident entry, by the key the iteration gave; undefined when the bucket keeps none. */
  ageOf?(key: unknown): StoredAge | undefined;
}

/** The ages of `count` entries whose age is not known: stored now, no max age of their own. */
function unknownAges(count: number): number[] {
  const now = Date.now();
  const ages: number[] = [];
  for (let i = 0; i < count; i++) ages.push(now, -1);
  return ages;
}

/**
 * Serializes entries chunk by chunk, as a dump's payload holds them. With `chunkBytes`, each chunk
 * takes as many entries as the one before it suggests fit in about that many bytes (at most
 * `CHUNK_ENTRIES`, at least one).
 */
export function* encodeChunks(entries: DumpSource, chunkBytes = Infinity): Generator<EncodedChunk> {
  let flat: unknown[] = [];
  let ages: number[] | null = null;
  let perChunk = CHUNK_ENTRIES;
  for (const [key, value] of entries) {
    const age = entries.ageOf?.(key);
    if (age !== undefined) {
      // Entries of the chunk before the first age (the bucket just started keeping them) count as stored now.
      ages ??= unknownAges(flat.length / 2);
      ages.push(age.storedAt, age.ownMaxAge);
    } else if (ages !== null) ages.push(Date.now(), -1);
    flat.push(encodeKey(key), value);
    if (flat.length >= perChunk * 2) {
      const chunk = encodeChunk(flat, ages);
      yield chunk;
      if (chunk.entries > 0) perChunk = Math.max(1, Math.min(CHUNK_ENTRIES, Math.floor((chunkBytes * chunk.entries) / chunk.bytes)));
      flat = [];
      ages = null;
    }
  }
  if (flat.length > 0) yield encodeChunk(flat, ages);
}

/** A whole dump built in memory, with what was left out because it can't be serialized. */
export interface EncodedDump {
  data: Buffer;
  entries: number;
  leftOut: number;
  firstLeftOutError: string | null;
}

/** Builds a whole dump in memory (cluster mode's shared snapshot), yielding to the event loop between chunks. */
export async function encodeDump(bucket: string, entries: DumpSource): Promise<EncodedDump> {
  const parts: Buffer[] = [];
  const result: EncodedDump = { data: Buffer.alloc(0), entries: 0, leftOut: 0, firstLeftOutError: null };
  let crc = 0;
  let length = 0;
  for (const chunk of encodeChunks(entries)) {
    for (const part of chunk.frame) crc = crc32(part, crc);
    parts.push(...chunk.frame);
    length += chunk.bytes;
    result.entries += chunk.entries;
    result.leftOut += chunk.leftOut;
    result.firstLeftOutError ??= chunk.firstError;
    await nextTurn();
  }
  const header = encodeHeader({ bucket, entries: result.entries, payloadCrc: crc, payloadLength: length, createdAt: Date.now() });
  result.data = Buffer.concat([header, ...parts]);
  return result;
}
