import { performance } from 'node:perf_hooks';
import type { LoadContext } from '../interfaces/load-result.interface.js';
import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import type { CacheWorkerLogger } from './logger.interface.js';

/** A settled load: the value (and extra entries to store with it), or the error as text. */
export type LoadOutcome<V> = { ok: true; value: V; extra: unknown } | { ok: false; error: string };

export type LoadFunction<K> = (key: K, context: LoadContext) => unknown;

/**
 * Runs the user's `load`, turning everything it can do (throw, reject, return garbage, never settle,
 * settle late) into a `LoadOutcome` that always settles within the timeout. It keeps a way to abort
 * every load in flight and every raw promise, so shutdown can abort them and wait for them.
 */
export class LoadRunner<K> {
  /** How to abort each load in flight: settle it with `outcome`, then fire its signal with `reason`. */
  private readonly inFlight = new Set<(outcome: LoadOutcome<never>, reason: Error) => void>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly load: LoadFunction<K>,
    private readonly logger: CacheWorkerLogger,
    private readonly keyText: (key: K) => string,
    private readonly onSettled: (key: K, outcome: LoadOutcome<unknown>, durationMs: number) => void,
  ) {}

  /** Runs one load; a failure is logged with its key at `failureLevel` (refreshes summarize theirs). */
  run<V>(key: K, timeoutMs: number, failureLevel: 'warn' | 'debug' = 'warn'): Promise<LoadOutcome<V>> {
    const started = performance.now();
    return new Promise<LoadOutcome<V>>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      // Made only when `load` reads `signal`: most loads never do, and an AbortController per load
      // is the largest cost of a refresh.
      let controller: AbortController | undefined;
      let abortReason: Error | undefined;
      const settle = (outcome: LoadOutcome<V>) => {
        if (!this.inFlight.delete(abort)) return; // already settled: a late result is dropped
        if (timer) clearTimeout(timer);
        const durationMs = performance.now() - started;
        if (outcome.ok) this.logger.debug(messages.loadDebug(this.keyText(key), durationMs));
        else this.logger[failureLevel](messages.loadFailed(this.keyText(key), outcome.error));
        this.onSettled(key, outcome, durationMs);
        resolve(outcome);
      };
      const abort = (outcome: LoadOutcome<V>, reason: Error) => {
        settle(outcome);
        abortReason ??= reason;
        controller?.abort(abortReason);
      };
      this.inFlight.add(abort);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          abort({ ok: false, error: messages.loadTimedOut(timeoutMs) }, new Error(messages.loadTimedOut(timeoutMs)));
        }, timeoutMs);
      }
      const context: LoadContext = {
        get signal() {
          if (controller === undefined) {
            controller = new AbortController();
            if (abortReason) controller.abort(abortReason);
          }
          return controller.signal;
        },
      };

      let returned: unknown;
      try {
        returned = this.load(key, context);
      } catch (error) {
        settle({ ok: false, error: describeError(error) });
        return;
      }
      if (!isThenable(returned)) {
        settle(interpret<V>(returned));
        return;
      }
      const raw: Promise<void> = Promise.resolve(returned).then(
        (result) => {
          this.pending.delete(raw);
          settle(interpret<V>(result));
        },
        (error: unknown) => {
          this.pending.delete(raw);
          settle({ ok: false, error: describeError(error) });
        },
      );
      this.pending.add(raw);
    });
  }

  /** Aborts every load in flight; their callers get an error at once. */
  abortAll(): void {
    for (const abort of [...this.inFlight]) abort({ ok: false, error: messages.loadAborted() }, new Error(messages.loadAborted()));
  }

  /** Waits until the user's load promises have settled, at most `timeoutMs`; returns how many have not. */
  async waitForPending(timeoutMs: number): Promise<number> {
    if (this.pending.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.pending]), expired]);
    clearTimeout(timer);
    return this.pending.size;
  }
}

/** Whether a user callback returned a promise (or any thenable), without ever throwing. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return (
      value !== null &&
      (typeof value === 'object' || typeof value === 'function') &&
      typeof (value as { then?: unknown }).then === 'function'
    );
  } catch {
    return false;
  }
}

function interpret<V>(result: unknown): LoadOutcome<V> {
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
