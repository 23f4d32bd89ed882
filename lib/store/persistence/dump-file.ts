import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CacheWorkerDumpError } from '../../errors/cache-worker.errors.js';
import * as messages from '../../cache-worker.messages.js';
import { encodeChunks, encodeHeader, headerLength, MAX_HEADER, type DumpSource } from './dump-codec.js';
import { PayloadDecoder, type DecodedDump } from './dump-decoder.js';
import { checkDumpSize, readHeader, type DumpHeader } from './dump-header.js';
import { createDumpFolder } from './dump-folder.js';
const TEMP_MARK = '.tmp-';
const CORRUPT_MARK = '.corrupt-';
/** Unusable dumps kept aside per dump file, the newest ones: enough to look into a recurring fault, without filling the disk. */
const CORRUPT_KEPT = 3;
const FILE_MODE = 0o600;

export interface DumpWriteReport {
  entries: number;
  bytes: number;
  leftOut: number;
  firstLeftOutError: string | null;
}

/**
 * Writes a dump atomically: chunks stream into a temporary file beside the target (mode 0600), the
 * header is written last, the file is synced, then renamed over the target. A crash at any moment
 * leaves the previous dump intact; the temporary file is removed at the next start.
 */
export async function writeDumpFile(
  file: string,
  bucket: string,
  entries: DumpSource,
): Promise<DumpWriteReport> {
  const temp = `${file}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await openCreatingFolder(temp);
  const report: DumpWriteReport = { entries: 0, bytes: 0, leftOut: 0, firstLeftOutError: null };
  try {
    const start = headerLength(bucket);
    let position = start;
    let crc = 0;
    for (const chunk of encodeChunks(entries)) {
      report.entries += chunk.entries;
      report.leftOut += chunk.leftOut;
      report.firstLeftOutError ??= chunk.firstError;
      for (const part of chunk.frame) crc = crc32(part, crc);
      await handle.writev(chunk.frame, position);
      position += chunk.bytes;
    }
    const header = encodeHeader({
      bucket,
      entries: report.entries,
      payloadCrc: crc,
      payloadLength: position - start,
      createdAt: Date.now(),
    });
    await handle.write(header, 0, header.length, 0);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
    report.bytes = position;
    return report;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Opens a new temporary file; a missing folder (never made, or removed since) is created first. */
async function openCreatingFolder(temp: string): Promise<FileHandle> {
  try {
    return await open(temp, 'w', FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await createDumpFolder(temp);
    return open(temp, 'w', FILE_MODE);
  }
}

/** Bytes read at a time: a few reads for a large dump, and little memory held. */
const READ_WINDOW = 8 * 1024 * 1024;

/** Reads and checks a dump; a missing file rejects with ENOENT, anything unusable with `CacheWorkerDumpError`. */
export function readDumpFile(file: string, bucket: string): Promise<DecodedDump> {
  return readDump(file, bucket, () => undefined);
}

/**
 * Reads and checks a dump of any bucket, as `readDumpFile` does; `seen` gets the header and the
 * file's size as soon as the header is checked, so a dump whose payload is unusable still shows it.
 */
export function readAnyDumpFile(file: string, seen: (header: DumpHeader, size: number) => void): Promise<DecodedDump> {
  return readDump(file, null, seen);
}

async function readDump(file: string, bucket: string | null, seen: (header: DumpHeader, size: number) => void): Promise<DecodedDump> {
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new CacheWorkerDumpError(messages.dumpNotAFile());
    const size = info.size;
    const head = await readFully(handle, Buffer.allocUnsafe(Math.min(size, MAX_HEADER)));
    const header = readHeader(head, size, bucket);
    seen(header, size);
    checkDumpSize(header, size);
    const payload = new PayloadDecoder(header);
    // The head may hold the start of the payload (all of a small dump): decode it rather than read it again.
    if (head.length > header.payloadStart) payload.push(head.subarray(header.payloadStart));
    // One window, reused: the decoder keeps nothing of a piece.
    const window = Buffer.allocUnsafe(Math.min(READ_WINDOW, size - head.length));
    for (let position = head.length; position < size; ) {
      const { bytesRead } = await handle.read(window, 0, Math.min(window.length, size - position), position);
      if (bytesRead === 0) break; // shorter than it was: the decoder reports it
      payload.push(window.subarray(0, bytesRead));
      position += bytesRead;
    }
    return payload.finish();
  } finally {
    await handle.close();
  }
}

/** Fills `buffer` from the start of the file; returns the part filled (less if the file is shorter). */
async function readFully(handle: FileHandle, buffer: Buffer): Promise<Buffer> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Moves an unusable dump aside as `<file>.corrupt-<timestamp>`; returns the new path, or null if it could not. */
export async function quarantineDumpFile(file: string): Promise<string | null> {
  const target = `${file}${CORRUPT_MARK}${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(file, target);
    return target;
  } catch {
    return null;
  }
}

/**
 * Removes the files moved aside from this dump but the newest `CORRUPT_KEPT` (their timestamps sort by time);
 * returns how many. A directory moved aside is never removed.
 */
export async function removeOldCorruptFiles(file: string): Promise<number> {
  const files: string[] = [];
  for (const name of (await namesBeside(file, CORRUPT_MARK)).sort()) {
    const path = join(dirname(file), name);
    if (await lstat(path).then((info) => info.isFile(), () => false)) files.push(path);
  }
  let removed = 0;
  for (const path of files.slice(0, -CORRUPT_KEPT)) {
    await unlink(path).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/** Removes temporary files of this dump left by writers that no longer run; returns how many. */
export async function removeStaleTempFiles(file: string): Promise<number> {
  const prefix = `${basename(file)}${TEMP_MARK}`;
  let removed = 0;
  for (const name of await namesBeside(file, TEMP_MARK)) {
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid !== process.pid && isRunning(pid)) continue; // our own pid: left by an earlier process that had it
    await unlink(join(dirname(file), name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/** The names in the dump's folder that start with the dump's own name and `mark`; none if the folder can't be read. */
async function namesBeside(file: string, mark: string): Promise<string[]> {
  const prefix = `${basename(file)}${mark}`;
  try {
    return (await readdir(dirname(file))).filter((name) => name.startsWith(prefix));
  } catch {
    return [];
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
