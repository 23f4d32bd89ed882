import { deserialize } from 'node:v8';
import * as messages from '../../cache-worker.messages.js';
import { FIRST_VERSION_WITH_AGES, JSON_CHUNK_START, V8_CHUNK_START } from './dump-codec.js';
import { failDump, type DumpHeader } from './dump-header.js';
import { decodeKey } from './key-codec.js';

/** One chunk of a dump: its entries (keys and values alternating, keys as the dump stores them: see `decodeChunkKeys`) and their ages. */
export interface DecodedChunk {
  items: unknown[];
  /** The ages of the chunk's entries, as `DecodedDump.ages` holds them; null for a chunk without. */
  ages: unknown[] | null;
}

/** A chunk's bytes as `takeBodies` gives them, and where it starts in its dump's payload. */
export interface ChunkBytes {
  body: Buffer;
  offset: number;
}

/** A chunk's body of its own (`detachedBody`): the text of a JSON chunk, or a copy of its bytes. */
export interface ChunkBody {
  body: Buffer | string;
  offset: number;
}

/**
 * A chunk's body that holds nothing of the bytes it was read from: a JSON chunk as its text, in the
 * heap, any other as a copy. A reader that decodes a value's chunks over several turns of the event
 * loop then drops the value at once: held that long, values outlived collections of the young
 * generation, and the external memory they kept made V8 mark the whole heap every 64 MB of them.
 */
export function detachedBody({ body, offset }: ChunkBytes): ChunkBody {
  return { body: body[0] === JSON_CHUNK_START ? body.toString('utf8') : Buffer.from(body), offset };
}

/** Decodes a chunk's body; throws `CacheWorkerDumpError` when it isn't a chunk. */
export function decodeChunkBody({ body, offset }: ChunkBody, header: DumpHeader): DecodedChunk {
  return decodeChunk(body, header.version) ?? failDump(messages.dumpBadChunk(header.payloadStart + offset));
}

/** The entries and ages of a chunk's body in a dump of format `version`, or null when it isn't a chunk. */
export function decodeChunk(body: Buffer | string, version: number): DecodedChunk | null {
  let items: unknown;
  try {
    // v8.deserialize makes typed arrays that view the bytes it was given: give it bytes of their own,
    // never bytes the reader or the decoder reuses.
    if (typeof body === 'string') items = JSON.parse(body);
    else items = body[0] === JSON_CHUNK_START ? JSON.parse(body.toString('utf8')) : deserialize(Buffer.from(body));
  } catch {
    return null;
  }
  if (!Array.isArray(items)) return null;
  const ages: unknown = version < FIRST_VERSION_WITH_AGES ? null : items.pop();
  if (items.length % 2 !== 0 || !(ages === null || (Array.isArray(ages) && ages.length === items.length))) return null;
  return { items, ages: ages as unknown[] | null };
}

/** Turns the keys of entries read from a dump (keys and values alternating) into the keys the bucket uses, in place. */
export function decodeChunkKeys(items: unknown[]): void {
  for (let i = 0; i < items.length; i += 2) items[i] = decodeKey(items[i]);
}
