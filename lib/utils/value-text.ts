import { inspect } from 'node:util';
import * as messages from '../cache-worker.messages.js';

/** How much of a value is printed: enough to recognise it, bounded for a huge one. */
const VALUE_TEXT_LIMITS = { depth: 6, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 } as const;

/**
 * A cached value as text for a person (the board's lookup, the dump inspector); only where values
 * were asked for, never in a log line. A custom inspect of the user's that throws can't break it.
 */
export function valueText(value: unknown): string {
  try {
    return inspect(value, VALUE_TEXT_LIMITS);
  } catch {
    return messages.unprintableValue();
  }
}
