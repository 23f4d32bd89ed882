import { checkEntryAge } from '../../config/validate-config.js';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';

/**
 * A settled load: the value (with extra entries to store beside it, and its own `maxAge` when `load`
 * gave one), or the error as text (with how long reads of the key get it without loading, when
 * `load` said so by `retryAfter`).
 */
export type LoadOutcome<V> =
  | { ok: true; value: V; extra: unknown; maxAge?: number }
  | { ok: false; error: string; retryAfter?: number };

/** Reads what `load` answered for one key (or `loadMany` for one of its keys), without ever throwing. */
export function readLoadResult<V>(result: unknown): LoadOutcome<V> {
  try {
    if (result !== null && typeof result === 'object') {
      const candidate = result as { ok?: unknown; value?: V; error?: unknown; extra?: unknown; maxAge?: unknown; retryAfter?: unknown };
      if (candidate.ok === true && 'value' in candidate) {
        const { maxAge } = candidate;
        if (maxAge === undefined || maxAge === null) return { ok: true, value: candidate.value as V, extra: candidate.extra };
        const invalid = checkEntryAge(maxAge);
        if (invalid !== null) return { ok: false, error: messages.loadInvalidAge('maxAge', invalid, maxAge) };
        return { ok: true, value: candidate.value as V, extra: candidate.extra, maxAge: maxAge as number };
      }
      if (candidate.ok === false) {
        const error = describeError(candidate.error);
        const { retryAfter } = candidate;
        if (retryAfter === undefined || retryAfter === null) return { ok: false, error };
        const invalid = checkEntryAge(retryAfter);
        if (invalid !== null) return { ok: false, error: `${error}; ${messages.loadInvalidAge('retryAfter', invalid, retryAfter)}` };
        return { ok: false, error, retryAfter: retryAfter as number };
      }
    }
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
  return { ok: false, error: messages.loadInvalidResult() };
}
