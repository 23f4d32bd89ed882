import * as messages from '../cache-worker.messages.js';
import type { ChecksumVerdict, DumpInspection } from './dump-inspection.js';

const VERDICT_TEXT: Record<ChecksumVerdict, string> = { ok: 'ok', mismatch: 'does not match', 'not checked': 'not checked' };

/** The inspection as lines for a person. */
export function inspectionText(inspection: DumpInspection): string {
  const { file, bytes, header, checksums, usable, reason, keys } = inspection;
  const lines = [row('file', bytes === null ? file : `${file} (${bytes} bytes)`)];
  if (header !== null) {
    lines.push(
      row('bucket', header.bucket),
      row('format', `version ${header.version}`),
      row('created', Number.isFinite(header.createdAt) ? new Date(header.createdAt).toISOString() : String(header.createdAt)),
      row('entries', String(header.entries)),
      row('payload', `${header.payloadBytes} bytes`),
    );
  }
  const headerCheck = `header ${VERDICT_TEXT[checksums.header]}`;
  lines.push(row('checksums', header === null ? headerCheck : `${headerCheck}, payload ${VERDICT_TEXT[checksums.payload]}`));
  lines.push(row('verdict', usable ? 'usable' : `unusable: ${reason}`));
  if (usable && header !== null) {
    lines.push(row('keys', keys.length === header.entries ? `all ${header.entries}` : `first ${keys.length} of ${header.entries}`));
    for (const { key, value } of keys) {
      lines.push(value === undefined ? `  ${key}` : `  ${key} = ${value.replace(/\n/g, '\n    ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The inspection as one JSON document (the creation time as ISO 8601). */
export function inspectionJson(inspection: DumpInspection): string {
  const { header } = inspection;
  const createdAt = header && Number.isFinite(header.createdAt) ? new Date(header.createdAt).toISOString() : null;
  return `${JSON.stringify({ ...inspection, header: header && { ...header, createdAt } }, null, 2)}\n`;
}

/** The one line on standard error for an unusable dump, in the loader's words. */
export function unusableLine(inspection: DumpInspection): string {
  return `nest-cache-worker inspect: ${messages.dumpUnusable(inspection.file, inspection.reason!)}\n`;
}

function row(name: string, value: string): string {
  return `${name.padEnd(10)} ${value}`;
}
