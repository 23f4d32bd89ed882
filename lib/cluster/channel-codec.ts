import { deserialize, serialize } from 'node:v8';

/** What instances tell each other about a bucket. */
export type ClusterMessage =
  /** `maxAge`: the entry's own max age, when `set` gave one. */
  | { type: 'set'; key: unknown; value: unknown; maxAge?: number }
  | { type: 'delete'; key: unknown }
  | { type: 'invalidate'; key: unknown }
  | { type: 'clear' }
  /** A value loaded on a read, with the `extra` entries `load` returned and its own max age, if any. */
  | { type: 'loaded'; key: unknown; value: unknown; extra: unknown; maxAge?: number }
  /** A failed load whose error reads get without loading until `until` (ms since the epoch): failureBackoff, retryAfter. */
  | { type: 'failed'; key: unknown; error: string; until: number }
  /** A new shared snapshot is in Redis. */
  | { type: 'snapshot'; version: number };

/**
 * A message with the id of the instance that sent it and its place among that instance's changes
 * (1, 2, 3…): what a snapshot says it has seen is compared with it.
 */
export interface ClusterEnvelope {
  from: string;
  seq: number;
  message: ClusterMessage;
}

const MAGIC = Buffer.from('NCWMSG2\0', 'latin1');
const FIELDS: Record<ClusterMessage['type'], readonly string[]> = {
  set: ['key', 'value'],
  delete: ['key'],
  invalidate: ['key'],
  clear: [],
  loaded: ['key', 'value', 'extra'],
  failed: ['key', 'error', 'until'],
  snapshot: ['version'],
};

/**
 * Encodes a message with `node:v8`, like the dump: keys and values keep their Maps, Dates and BigInts.
 * Throws when a key or value can't be serialized.
 */
export function encodeMessage(envelope: ClusterEnvelope): Buffer {
  return Buffer.concat([MAGIC, serialize([envelope.from, envelope.seq, envelope.message])]);
}

/** Reads a message; anything that isn't a well-formed message of this library gives null. */
export function decodeMessage(data: Buffer): ClusterEnvelope | null {
  if (data.length <= MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  let decoded: unknown;
  try {
    decoded = deserialize(data.subarray(MAGIC.length));
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || typeof decoded[0] !== 'string') return null;
  const [from, seq] = decoded as [string, unknown];
  if (!Number.isSafeInteger(seq) || (seq as number) < 1) return null;
  const message = decoded[2] as { type?: unknown } | null;
  if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return null;
  const fields = FIELDS[message.type as ClusterMessage['type']];
  if (!Object.hasOwn(FIELDS, message.type) || !fields.every((field) => field in message)) return null;
  if (message.type === 'snapshot' && !Number.isSafeInteger((message as { version: unknown }).version)) return null;
  if (message.type === 'failed') {
    const { error, until } = message as { error: unknown; until: unknown };
    if (typeof error !== 'string' || typeof until !== 'number' || !Number.isFinite(until)) return null;
  }
  return { from, seq: seq as number, message: message as ClusterMessage };
}
