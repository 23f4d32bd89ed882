import { crc32 } from 'node:zlib';
import * as messages from '../../cache-worker.messages.js';
import { JSON_CHUNK_START, V8_CHUNK_START } from './dump-codec.js';
import { decodeChunk, decodeChunkKeys, type ChunkBytes, type DecodedChunk } from './dump-chunk.js';
import { decodeHeader, failDump, type DumpHeader } from './dump-header.js';

/** What a dump holds, read and checked. */
export interface DecodedDump {
  /** Keys and values, alternating. */
  flat: unknown[];
  /**
   * The age of each entry, two items per entry in the order of `flat` (when it was stored, as the
   * writer gave it; its own max age, -1 for none); null when the dump holds none (format 2, or a
   * bucket that kept no ages). Read them with `entryAge`, which checks them.
   */
  ages: unknown[] | null;
  createdAt: number;
}

/**
 * A dump's entries chunk by chunk, for a reader that goes through them a slice at a time. Each chunk
 * is decoded when it is pulled, from bytes checked as a whole (lengths and checksums) beforehand:
 * only the chunk at hand lives decoded in the heap.
 */
export interface DumpChunks {
  readonly entries: number;
  readonly createdAt: number;
  /**
   * The chunks in order, each decoded when pulled; throws `CacheWorkerDumpError` at one that can't be
   * read, or, at the end, when they hold another count of entries than the header.
   */
  chunks(): AsyncIterable<DecodedChunk>;
}

/**
 * Decodes a dump's payload from its bytes in order, in pieces of any size, so a large dump is read
 * through a small buffer: one buffer of the whole file made V8 count its size as external memory and
 * start collecting garbage in the middle of the read. Decoding, it keeps nothing of a piece, so the
 * caller may reuse the buffer it passes. Or it hands over each chunk's bytes (`keepBytes`, for a
 * reader that decodes chunks one at a time: `takeBodies`), views of the pieces, which then must not
 * be reused (`detachedBody` makes them hold nothing of them). The checksum is checked at `finish()`
 * or `checkWhole()`, before any other reason to reject.
 */
export class PayloadDecoder {
  private crc = 0;
  private received = 0;
  /** Each chunk decoded (`finish`). */
  private readonly chunks: DecodedChunk[] = [];
  /** The bytes of each chunk read since `takeBodies` was last called, and where it starts in the payload. */
  private kept: ChunkBytes[] = [];
  /** Offset in the payload of the frame being read. */
  private frameStart = 0;
  /** The length of the frame's body once its prefix is read; null while reading the prefix. */
  private bodyLength: number | null = null;
  /** The prefix or body being gathered across pieces: a view of `gatherSpace`. */
  private gathering: Buffer | null = null;
  private gathered = 0;
  /**
   * Reused for every prefix or body that spans pieces, grown as needed: with pieces about as large as
   * the frames, most frames span two, and a buffer of its own for each was garbage as large as the dump.
   */
  private gatherSpace = Buffer.alloc(0);
  private failedAt: number | null = null;

  /** `keepBytes`: keep each chunk's bytes, for `takeBodies`, instead of decoding it, for `finish`. */
  constructor(
    private readonly header: DumpHeader,
    private readonly keepBytes = false,
  ) {}

  push(piece: Buffer): void {
    this.crc = crc32(piece, this.crc);
    this.received += piece.length;
    let at = 0;
    while (at < piece.length && this.failedAt === null) {
      const needed = this.bodyLength ?? 4;
      if (this.gathering === null) {
        if (piece.length - at >= needed) {
          this.take(piece.subarray(at, at + needed), false);
          at += needed;
          continue;
        }
        if (this.gatherSpace.length < needed) this.gatherSpace = Buffer.allocUnsafe(Math.max(needed, 2 * this.gatherSpace.length));
        this.gathering = this.gatherSpace.subarray(0, needed);
        this.gathered = 0;
      }
      const copied = piece.copy(this.gathering, this.gathered, at);
      this.gathered += copied;
      at += copied;
      if (this.gathered === needed) {
        const whole = this.gathering;
        this.gathering = null;
        this.take(whole, true);
      }
    }
  }

  /** The entries, once every byte was pushed; throws `CacheWorkerDumpError` with the reason. */
  finish(): DecodedDump {
    this.checkWhole();
    const { chunks } = this;
    let items = 0;
    for (const chunk of chunks) items += chunk.items.length;
    checkCount(this.header, items / 2);
    // One concat of every chunk: copying item by item was a tenth of the read of a large dump.
    const flat = chunks.length === 1 ? chunks[0]!.items : ([] as unknown[]).concat(...chunks.map((chunk) => chunk.items));
    decodeChunkKeys(flat);
    return { flat, ages: allAges(chunks, this.header.createdAt), createdAt: this.header.createdAt };
  }

  /** The bytes of each chunk read since the last call (`keepBytes`). */
  takeBodies(): ChunkBytes[] {
    const bodies = this.kept;
    this.kept = [];
    return bodies;
  }

  /** Checks, once every byte was pushed, that the payload was whole: its length, its checksum, and chunks that were all read. */
  checkWhole(): void {
    const { header } = this;
    if (this.received !== header.payloadLength) {
      failDump(messages.dumpTruncated(header.payloadStart + header.payloadLength, header.payloadStart + this.received));
    }
    if (this.crc >>> 0 !== header.payloadCrc) failDump(messages.dumpPayloadChecksum());
    if (this.failedAt !== null || this.bodyLength !== null || this.gathering !== null) {
      failDump(messages.dumpBadChunk(header.payloadStart + (this.failedAt ?? this.frameStart)));
    }
  }

  /**
   * Takes a whole length prefix or a whole body, from a piece or, when `reused`, from the gathering
   * space (a body kept from there is copied: the same push may gather the next frame into it).
   */
  private take(bytes: Buffer, reused: boolean): void {
    if (this.bodyLength === null) {
      this.bodyLength = bytes.readUInt32LE(0);
      if (this.frameStart + 4 + this.bodyLength > this.header.payloadLength) this.failedAt = this.frameStart;
      return;
    }
    if (this.keepBytes) {
      if (bytes[0] === JSON_CHUNK_START || bytes[0] === V8_CHUNK_START) this.kept.push({ body: reused ? Buffer.from(bytes) : bytes, offset: this.frameStart });
      else this.failedAt = this.frameStart;
    } else {
      const chunk = decodeChunk(bytes, this.header.version);
      if (chunk === null) this.failedAt = this.frameStart;
      else this.chunks.push(chunk);
    }
    this.frameStart += 4 + this.bodyLength;
    this.bodyLength = null;
  }
}

/** Checks that a dump's chunks held the count of entries its header gives. */
export function checkCount(header: DumpHeader, entries: number): void {
  if (entries !== header.entries) failDump(messages.dumpCountMismatch(header.entries, entries));
}

/** Reads a whole dump held in memory, checking every field; throws `CacheWorkerDumpError` with the reason. */
export function decodeDump(data: Buffer, bucket: string): DecodedDump {
  const header = decodeHeader(data, data.length, bucket);
  const payload = new PayloadDecoder(header);
  payload.push(data.subarray(header.payloadStart));
  return payload.finish();
}

/** The ages of every entry, when a chunk has some; entries of a chunk without count as stored at the dump's time. */
function allAges(chunks: DecodedChunk[], createdAt: number): unknown[] | null {
  if (chunks.every((chunk) => chunk.ages === null)) return null;
  const all: unknown[] = [];
  for (const { items, ages } of chunks) {
    if (ages) for (const age of ages) all.push(age);
    else for (let i = 0; i < items.length; i += 2) all.push(createdAt, -1);
  }
  return all;
}

/**
 * The age of entry `index` of a dump: when it was stored and its own max age (-1: none). A dump
 * without ages, and any age that is not a plausible number, counts as stored at the dump's time.
 */
export function entryAge(dump: DecodedDump, index: number): EntryAge {
  return { storedAt: storedAtOf(dump.ages, dump.createdAt, index), ownMaxAge: ownMaxAgeOf(dump.ages, index) };
}

/** When an entry was stored and its own max age (-1: none). */
export interface EntryAge {
  storedAt: number;
  ownMaxAge: number;
}

/**
 * When entry `index` of `ages` (two items per entry, or null for none) was stored, checked as
 * `entryAge` says. Apart from its own max age (`ownMaxAgeOf`): no object per entry of a snapshot.
 */
export function storedAtOf(ages: unknown[] | null, createdAt: number, index: number): number {
  const storedAt = ages?.[2 * index];
  return typeof storedAt === 'number' && Number.isFinite(storedAt) && storedAt >= 0 ? storedAt : createdAt;
}

/** The own max age of entry `index` of `ages` (-1: none), checked as `entryAge` says. */
export function ownMaxAgeOf(ages: unknown[] | null, index: number): number {
  const ownMaxAge = ages?.[2 * index + 1];
  return typeof ownMaxAge === 'number' && Number.isInteger(ownMaxAge) && ownMaxAge >= 0 ? ownMaxAge : -1;
}
