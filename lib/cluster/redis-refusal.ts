import * as messages from '../cache-worker.messages.js';
import { aclRule } from './redis-acl.js';

/** Error replies that mean Redis is set up in a way cluster mode can't work with, whatever the retries. */
const REFUSALS: ReadonlyArray<{ pattern: RegExp; advice: (namespace: string) => string }> = [
  { pattern: /\bNOPERM\b|can't run this command/, advice: (namespace) => messages.adviceNoPermission(aclRule(namespace)) },
  { pattern: /\bMOVED \d+|\bASK \d+/, advice: messages.adviceMoved },
  { pattern: /\bCROSSSLOT\b/, advice: messages.adviceCrossSlot },
  { pattern: /\bOOM command not allowed/, advice: messages.adviceOutOfMemory },
  { pattern: /\bREADONLY\b/, advice: messages.adviceReadOnly },
  { pattern: /unknown command/i, advice: messages.adviceUnknownCommand },
];

/** What to change when `error` is a misconfiguration; null when it is something else (an outage, a bug). */
export function refusalAdvice(error: unknown, namespace: string): { kind: string; advice: string } | null {
  const message = error instanceof Error ? error.message : String(error);
  for (const { pattern, advice } of REFUSALS) {
    if (pattern.test(message)) return { kind: pattern.source, advice: advice(namespace) };
  }
  return null;
}
