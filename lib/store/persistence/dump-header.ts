import { crc32 } from 'node:zlib';
import { CacheWorkerDumpError } from '../../errors/cache-worker.errors.js';
import * as messages from '../../cache-worker.messages.js';
import { DUMP_FORMAT_VERSION, FIXED_HEADER, MAGIC, OLDEST_READABLE_VERSION } from './dump-codec.js';

/** A checked header: whose dump it is, where the payload starts and what it must hold. */
export interface DumpHeader {
  bucket: string;
  version: number;
  payloadStart: number;
  payloadLength: number;
  payloadCrc: number;
  entries: number;
  createdAt: number;
}

/** Rejects a dump: `CacheWorkerDumpError` with the reason. */
export function failDump(reason: string): never {
  throw new CacheWorkerDumpError(reason);
}

/**
 * Checks the header at the start of `head` (the first bytes of a dump of `size` bytes) for bucket
 * `bucket`, and that the dump's size is the one the header gives; throws `CacheWorkerDumpError`.
 */
export function decodeHeader(head: Buffer, size: number, bucket: string): DumpHeader {
  const header = readHeader(head, size, bucket);
  checkDumpSize(header, size);
  return header;
}

/**
 * Checks the header's magic, version, checksum and, unless `bucket` is null, its bucket; the size
 * of the dump is left to `checkDumpSize`, so a truncated dump's header can still be shown.
 */
export function readHeader(head: Buffer, size: number, bucket: string | null): DumpHeader {
  if (size < FIXED_HEADER + 4) failDump(messages.dumpTooShort(size));
  if (!head.subarray(0, MAGIC.length).equals(MAGIC)) failDump(messages.dumpBadMagic());
  const version = head.readUInt16LE(8);
  if (version < OLDEST_READABLE_VERSION || version > DUMP_FORMAT_VERSION) {
    failDump(messages.dumpBadVersion(version, OLDEST_READABLE_VERSION, DUMP_FORMAT_VERSION));
  }
  const headerEnd = FIXED_HEADER + head.readUInt16LE(10);
  if (size < headerEnd + 4) failDump(messages.dumpTooShort(size));
  if (crc32(head.subarray(0, headerEnd)) !== head.readUInt32LE(headerEnd)) failDump(messages.dumpHeaderChecksum());
  const found = head.toString('utf8', FIXED_HEADER, headerEnd);
  if (bucket !== null && found !== bucket) failDump(messages.dumpOtherBucket(found));
  return {
    bucket: found,
    version,
    payloadStart: headerEnd + 4,
    payloadLength: Number(head.readBigUInt64LE(28)),
    payloadCrc: head.readUInt32LE(16),
    entries: head.readUInt32LE(12),
    createdAt: head.readDoubleLE(20),
  };
}

/** Checks that a dump of `size` bytes is as long as its header says. */
export function checkDumpSize(header: DumpHeader, size: number): void {
  const expected = header.payloadStart + header.payloadLength;
  if (size !== expected) failDump(messages.dumpTruncated(expected, size));
}
