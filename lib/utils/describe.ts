import { createHash } from 'node:crypto';

const MAX_KEY_TEXT = 120;

/** Text of anything thrown or returned as an error, without ever throwing itself. */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return error.message || error.name;
    if (typeof error === 'string') return error;
    if (error === undefined) return 'undefined';
    if (error === null) return 'null';
    if (typeof error === 'object') {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
      return JSON.stringify(error) ?? String(error);
    }
    return String(error);
  } catch {
    return 'an error that cannot be printed';
  }
}

/** A key as it appears in log lines: short, never throwing, and hashed when keys are personal data. */
export function describeKey(key: unknown, redact: boolean): string {
  const text = keyText(key);
  if (redact) return `#${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
  return text.length > MAX_KEY_TEXT ? `${text.slice(0, MAX_KEY_TEXT)}…` : text;
}

function keyText(key: unknown): string {
  try {
    switch (typeof key) {
      case 'string':
        return JSON.stringify(key);
      case 'bigint':
        return `${key}n`;
      case 'symbol':
      case 'function':
        return String(key);
      case 'object':
        if (key === null) return 'null';
        return JSON.stringify(key, (_name, value: unknown) => toJsonSafe(value)) ?? String(key);
      default:
        return String(key);
    }
  } catch {
    return '[key that cannot be printed]';
  }
}

function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Map) return { Map: [...value] };
  if (value instanceof Set) return { Set: [...value] };
  return value;
}
