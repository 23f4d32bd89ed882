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
 * settle late) into a `LoadOutcome` that always settles within the timeout. It keeps every load's
 * abort controller and raw promise, so shutdown can abort them and wait for them.
 */
export class LoadRunner<K> {
  private readonly controllers = new Set<AbortController>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly load: LoadFunction<K>,
    private readonly logger: CacheWorkerLogger,
    private readonly keyText: (key: K) => string,
    private readonly onSettled: (key: K, outcome: LoadOutcome<unknown>, durationMs: number) => void,
  ) {}

  /** Runs one load; a failure is logged with its key at `failureLevel` (refreshes summarize theirs). */
  run<V>(key: K, timeoutMs: number, failureLevel: 'warn' | 'debug' = 'warn'): Promise<LoadOutcome<V>> {
    const controller = new AbortController();
    const started = performance.now();
    return new Promise<LoadOutcome<V>>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: LoadOutcome<V>) => {
        if (!this.controllers.delete(controller)) return; // already settled: a late result is dropped
        if (timer) clearTimeout(timer);
        const durationMs = performance.now() - started;
        if (outcome.ok) this.logger.debug(messages.loadDebug(this.keyText(key), durationMs));
        else this.logger[failureLevel](messages.loadFailed(this.keyText(key), outcome.error));
        this.onSettled(key, outcome, durationMs);
        resolve(outcome);
      };
      this.controllers.add(controller);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          settle({ ok: false, error: messages.loadTimedOut(timeoutMs) });
          controller.abort(new Error(messages.loadTimedOut(timeoutMs)));
        }, timeoutMs);
      }
      controller.signal.addEventListener('abort', () => settle({ ok: false, error: messages.loadAborted() }), {
        once: true,
      });

      let returned: unknown;
      try {
        returned = this.load(key, { signal: controller.signal });
      } catch (error) {
        settle({ ok: false, error: describeError(error) });
        return;
      }
      if (!isThenable(returned)) {
        settle(interpret<V>(returned));
        return;
      }
      const raw = Promise.resolve(returned).then(
        (result) => settle(interpret<V>(result)),
        (error: unknown) => settle({ ok: false, error: describeError(error) }),
      );
      this.pending.add(raw);
      void raw.finally(() => this.pending.delete(raw));
    });
  }

  /** Aborts every load in flight; their callers get an error at once. */
  abortAll(): void {
    for (const controller of [...this.controllers]) controller.abort(new Error(messages.loadAborted()));
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

function isThenable(value: unknown): value is PromiseLike<unknown> {
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
