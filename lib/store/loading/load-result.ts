import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';

/** A settled load: the value (and extra entries to store with it), or the error as text. */
export type LoadOutcome<V> = { ok: true; value: V; extra: unknown } | { ok: false; error: string };

/** Reads what `load` answered for one key (or `loadMany` for one of its keys), without ever throwing. */
export function readLoadResult<V>(result: unknown): LoadOutcome<V> {
  try {
    if (result !== null && typeof result === 'object') {
      const candidate = result as { ok?: unknown; value?: V; error?: unknown; extra?: unknown };
      if (candidate.ok === true && 'value' in candidate) {
        return { ok: true, value: candidate.value as V, extra: candidate.extra };
      }
      if (candidate.ok === false) return { ok: false, error: describeError(candidate.error) };
    }
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
  return { ok: false, error: messages.loadInvalidResult() };
}
