import { serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { encodeHeader, headerLength } from '../../lib/store/persistence/dump-codec.js';

/**
 * A dump as versions 1 and 2 wrote it: one chunk of keys and values alternating, without the ages
 * item that chunks have since version 3 (v8 for version 1, JSON for plain data in version 2).
 */
export function legacyDump(bucket: string, entries: [unknown, unknown][], version: 1 | 2, createdAt = Date.now()): Buffer {
  const flat = entries.flat();
  const body = version === 2 && flat.every((item) => typeof item !== 'object' || item === null) ? Buffer.from(JSON.stringify(flat)) : serialize(flat);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length, 0);
  const payload = Buffer.concat([length, body]);
  const header = encodeHeader({ bucket, entries: entries.length, payloadCrc: crc32(payload), payloadLength: payload.length, createdAt });
  header.writeUInt16LE(version, 8);
  const headerEnd = headerLength(bucket) - 4;
  header.writeUInt32LE(crc32(header.subarray(0, headerEnd)), headerEnd);
  return Buffer.concat([header, payload]);
}
