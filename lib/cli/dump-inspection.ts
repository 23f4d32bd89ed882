import { CacheWorkerDumpError } from '../errors/cache-worker.errors.js';
import type { DumpHeader } from '../store/persistence/dump-header.js';
import { readAnyDumpFile } from '../store/persistence/dump-file.js';
import { describeError, describeKey } from '../utils/describe.js';
import { valueText } from '../utils/value-text.js';
import * as messages from '../cache-worker.messages.js';

/** Whether a checksum matched, or why it could not be checked. */
export type ChecksumVerdict = 'ok' | 'mismatch' | 'not checked';

/** What the inspector found in a dump file. */
export interface DumpInspection {
  file: string;
  /** The file's size; `null` when it can't be read. */
  bytes: number | null;
  /** `null` when the header itself can't be used (not a dump, another version, a bad checksum). */
  header: {
    bucket: string;
    version: number;
    /** When the dump was written (ms since the epoch). */
    createdAt: number;
    entries: number;
    payloadBytes: number;
  } | null;
  checksums: { header: ChecksumVerdict; payload: ChecksumVerdict };
  /** Whether the app would load this dump (for the bucket it names). */
  usable: boolean;
  /** Why it would not, in the loader's words. */
  reason: string | null;
  /** The first keys as log lines print them, each with its value as text when values were asked for. */
  keys: { key: string; value?: string }[];
}

/** Reads a dump file the way the app does at startup, without knowing its bucket beforehand. */
export async function inspectDump(file: string, options: { keys: number; values: boolean }): Promise<DumpInspection> {
  let header: DumpHeader | null = null;
  let bytes: number | null = null;
  try {
    const { flat } = await readAnyDumpFile(file, (seen, size) => {
      header = seen;
      bytes = size;
    });
    const keys: DumpInspection['keys'] = [];
    for (let i = 0; i < Math.min(options.keys * 2, flat.length); i += 2) {
      const key = describeKey(flat[i], false);
      keys.push(options.values ? { key, value: valueText(flat[i + 1]) } : { key });
    }
    return report(file, bytes, header, null, keys);
  } catch (error) {
    const reason = error instanceof CacheWorkerDumpError ? error.message : messages.cliCannotOpen(describeError(error));
    return report(file, bytes, header, reason, []);
  }
}

function report(
  file: string,
  bytes: number | null,
  header: DumpHeader | null,
  reason: string | null,
  keys: DumpInspection['keys'],
): DumpInspection {
  return {
    file,
    bytes,
    header: header && {
      bucket: header.bucket,
      version: header.version,
      createdAt: header.createdAt,
      entries: header.entries,
      payloadBytes: header.payloadLength,
    },
    checksums: { header: headerVerdict(header, reason), payload: payloadVerdict(header, bytes, reason) },
    usable: reason === null,
    reason,
    keys,
  };
}

function headerVerdict(header: DumpHeader | null, reason: string | null): ChecksumVerdict {
  if (header !== null) return 'ok';
  return reason === messages.dumpHeaderChecksum() ? 'mismatch' : 'not checked';
}

/** The payload's checksum is checked once the whole payload is there, before its chunks are read. */
function payloadVerdict(header: DumpHeader | null, bytes: number | null, reason: string | null): ChecksumVerdict {
  if (reason === null) return 'ok';
  if (reason === messages.dumpPayloadChecksum()) return 'mismatch';
  const whole = header !== null && bytes === header.payloadStart + header.payloadLength;
  return whole ? 'ok' : 'not checked';
}
