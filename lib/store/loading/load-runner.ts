import { performance } from 'node:perf_hooks';
import type { LoadContext } from '../../interfaces/load-result.interface.js';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import { TimeoutList, type TimeoutEntry } from './timeout-list.js';

/** A settled load: the value (and extra entries to store with it), or the error as text. */
export type LoadOutcome<V> = { ok: true; value: V; extra: unknown } | { ok: false; error: string };

export type LoadFunction<K> = (key: K, context: LoadContext) => unknown;

/**
 * Runs the user's `load`, turning everything it can do (throw, reject, return garbage, never settle,
 * settle late) into a `LoadOutcome` that always settles within the timeout. It keeps a way to abort
 * every load in flight and every raw promise, so shutdown can abort them and wait for them.
 */
export class LoadRunner<K> {
  /**
   * The loads whose promise has not settled yet (a load settled early by its timeout stays until it
   * does), linked through the calls themselves. Not a Set: constant add/delete on a long-lived Set
   * makes V8 allocate each rehashed table in old space, and those dead tables keep every young call
   * alive through the next scavenge. A refresh then promoted about half a kilobyte per load.
   */
  private pendingHead: LoadCall<K> | null = null;
  /** The timeouts of loads in flight, one list per duration. */
  private readonly timeouts = new Map<number, TimeoutList>();

  constructor(
    private readonly load: LoadFunction<K>,
    private readonly logger: CacheWorkerLogger,
    private readonly keyText: (key: K) => string,
    /** Told of every settled load, with when it started (`performance.now()`). */
    private readonly onSettled: (key: K, outcome: LoadOutcome<unknown>, started: number) => void,
  ) {}

  /**
   * Starts one load; `done` gets its outcome exactly once, never synchronously. A failure is logged
   * with its key at `failureLevel` (refreshes summarize theirs).
   */
  start<V>(key: K, timeoutMs: number, failureLevel: 'warn' | 'debug', done: (outcome: LoadOutcome<V>) => void): void {
    const now = performance.now();
    const call = new LoadCall(key, timeoutMs, failureLevel, now, done as (outcome: LoadOutcome<unknown>) => void, this.expire);
    if (timeoutMs > 0) {
      let list = this.timeouts.get(timeoutMs);
      if (list === undefined) this.timeouts.set(timeoutMs, (list = new TimeoutList(timeoutMs, this.dropTimeoutList)));
      list.add(call, now);
      call.timeouts = list;
    }

    let returned: unknown;
    try {
      returned = this.load(key, call.context);
    } catch (error) {
      this.settleSoon(call, { ok: false, error: describeError(error) });
      return;
    }
    if (!isThenable(returned)) {
      this.settleSoon(call, interpret<V>(returned));
      return;
    }
    this.addPending(call);
    call.promise = Promise.resolve(returned).then(
      (result) => {
        this.removePending(call);
        this.settle(call, interpret<V>(result));
      },
      (error: unknown) => {
        this.removePending(call);
        this.settle(call, { ok: false, error: describeError(error) });
      },
    );
  }

  /**
   * A load that returned at once settles in a microtask, so `done` never runs inside `start` — through
   * a promise reaction, like a load that returned a promise, rather than `queueMicrotask`, whose
   * throw would be an uncaught exception.
   */
  private settleSoon(call: LoadCall<K>, outcome: LoadOutcome<unknown>): void {
    void Promise.resolve(outcome).then((settled) => this.settle(call, settled));
  }

  /** Aborts every load in flight; their callers get an error at once. */
  abortAll(): void {
    // Only a load with a pending promise can be unsettled; settling one never unlinks it here.
    for (let call = this.pendingHead; call !== null; call = call.nextPending) {
      if (!call.settled) this.abort(call, { ok: false, error: messages.loadAborted() }, new Error(messages.loadAborted()));
    }
  }

  private settle(call: LoadCall<K>, outcome: LoadOutcome<unknown>): void {
    if (call.settled) return; // a late result is dropped
    call.settled = true;
    call.timeouts?.remove(call);
    if (!outcome.ok) this.logger[call.failureLevel](messages.loadFailed(this.keyText(call.key), outcome.error));
    else if (this.logger.isDebugEnabled?.() !== false) {
      this.logger.debug(messages.loadDebug(this.keyText(call.key), performance.now() - call.started));
    }
    this.onSettled(call.key, outcome, call.started);
    call.done(outcome);
  }

  /** Settles `call` with `outcome`, then fires its signal with `reason`. */
  private abort(call: LoadCall<K>, outcome: LoadOutcome<unknown>, reason: Error): void {
    this.settle(call, outcome);
    call.fireSignal(reason);
  }

  /** A timeout list that ran empty: dropped, so per-call timeouts of many durations don't pile up. */
  private readonly dropTimeoutList = (list: TimeoutList): void => {
    if (this.timeouts.get(list.ms) === list) this.timeouts.delete(list.ms);
  };

  private readonly expire = (call: LoadCall<K>): void => {
    const text = messages.loadTimedOut(call.timeoutMs);
    this.abort(call, { ok: false, error: text }, new Error(text));
  };

  /** Waits until the user's load promises have settled, at most `timeoutMs`; returns how many have not. */
  async waitForPending(timeoutMs: number): Promise<number> {
    const promises: Promise<void>[] = [];
    for (let call = this.pendingHead; call !== null; call = call.nextPending) promises.push(call.promise!);
    if (promises.length === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled(promises), expired]);
    clearTimeout(timer);
    let stuck = 0;
    for (let call = this.pendingHead; call !== null; call = call.nextPending) stuck++;
    return stuck;
  }

  private addPending(call: LoadCall<K>): void {
    call.nextPending = this.pendingHead;
    if (this.pendingHead !== null) this.pendingHead.prevPending = call;
    this.pendingHead = call;
  }

  private removePending(call: LoadCall<K>): void {
    if (call.prevPending !== null) call.prevPending.nextPending = call.nextPending;
    else this.pendingHead = call.nextPending;
    if (call.nextPending !== null) call.nextPending.prevPending = call.prevPending;
    call.prevPending = call.nextPending = null;
  }
}

/** One `load` in flight: an entry of its timeout list, with what settles it. */
class LoadCall<K> implements TimeoutEntry {
  deadline = 0;
  prevEntry: TimeoutEntry | null = null;
  nextEntry: TimeoutEntry | null = null;
  /** The list holding this call's timeout, if it has one. */
  timeouts: TimeoutList | null = null;
  /** Whether its caller has the outcome. */
  settled = false;
  /** What `load` returned, resolved and handled: set while the load's promise is pending. */
  promise: Promise<void> | null = null;
  prevPending: LoadCall<K> | null = null;
  nextPending: LoadCall<K> | null = null;
  readonly context = new LoadCallContext();

  constructor(
    readonly key: K,
    readonly timeoutMs: number,
    readonly failureLevel: 'warn' | 'debug',
    /** When it started, by `performance.now()`. */
    readonly started: number,
    readonly done: (outcome: LoadOutcome<unknown>) => void,
    private readonly onExpire: (call: LoadCall<K>) => void,
  ) {}

  expire(): void {
    this.onExpire(this);
  }

  fireSignal(reason: Error): void {
    LoadCallContext.fire(this.context, reason);
  }
}

/**
 * What `load` gets. `signal` is an own enumerable property, so `{ ...context }` keeps it, but its
 * AbortController is made only when it is read: most loads never read it, and one per load (or a
 * closure per load for a lazy getter) was the largest cost of a refresh.
 */
class LoadCallContext implements LoadContext {
  declare readonly signal: AbortSignal;
  #controller: AbortController | undefined;
  #abortReason: Error | undefined;

  /** One accessor shared by every context. */
  static readonly #signal: PropertyDescriptor = {
    enumerable: true,
    get(this: LoadCallContext): AbortSignal {
      if (this.#controller === undefined) {
        this.#controller = new AbortController();
        if (this.#abortReason) this.#controller.abort(this.#abortReason);
      }
      return this.#controller.signal;
    },
  };

  constructor() {
    Object.defineProperty(this, 'signal', LoadCallContext.#signal);
  }

  /** Fires the signal with `reason`; a signal read later starts out fired. */
  static fire(context: LoadCallContext, reason: Error): void {
    context.#abortReason ??= reason;
    context.#controller?.abort(context.#abortReason);
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
