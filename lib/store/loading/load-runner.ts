import { performance } from 'node:perf_hooks';
import type { LoadContext } from '../../interfaces/load-result.interface.js';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { BatchReport } from '../engine-observer.js';
import { batchOutcomes, type BatchOutcomes } from './batch-results.js';
import { readLoadResult, type LoadOutcome } from './load-result.js';
import { TimeoutList, type TimeoutEntry } from './timeout-list.js';

export type LoadFunction<K> = (key: K, context: LoadContext) => unknown;
export type LoadManyFunction<K> = (keys: K[], context: LoadContext) => unknown;

/** The user's loaders; a runner is built with at least one. */
export interface Loaders<K> {
  load?: LoadFunction<K>;
  loadMany?: LoadManyFunction<K>;
}

/** Keys of a failed batch named in its log line. */
const SAMPLE_KEYS = 3;

/**
 * Runs the user's `load` (one key) or `loadMany` (a batch), turning everything it can do (throw,
 * reject, return garbage, never settle, settle late) into a `LoadOutcome` per key that always settles
 * within the call's timeout. It keeps a way to abort every call in flight and every raw promise, so
 * shutdown can abort them and wait for them.
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
    private readonly loaders: Loaders<K>,
    private readonly logger: CacheWorkerLogger,
    private readonly keyText: (key: K) => string,
    /** Told of every settled key, alone or in a batch, with when its call started (`performance.now()`). */
    private readonly onSettled: (key: K, outcome: LoadOutcome<unknown>, started: number) => void,
    /** Told of every settled batch, after each of its keys. */
    private readonly onBatchSettled: (report: BatchReport<K>) => void,
  ) {}

  /**
   * Starts one `load`; `done` gets its outcome exactly once, never synchronously. A failure is logged
   * with its key at `failureLevel` (refreshes summarize theirs).
   */
  start<V>(key: K, timeoutMs: number, failureLevel: 'warn' | 'debug', done: (outcome: LoadOutcome<V>) => void): void {
    this.run(this.open(key, null, timeoutMs, failureLevel, done));
  }

  /**
   * Starts one `loadMany` for `keys` (distinct, at least one); `done` gets an outcome per key, in the
   * order of `keys`, exactly once and never synchronously. Its failures are logged once, at `failureLevel`.
   */
  startBatch<V>(keys: K[], timeoutMs: number, failureLevel: 'warn' | 'debug', done: (outcomes: LoadOutcome<V>[]) => void): void {
    this.run(this.open(keys[0]!, keys, timeoutMs, failureLevel, done));
  }

  private open(
    key: K,
    keys: K[] | null,
    timeoutMs: number,
    failureLevel: 'warn' | 'debug',
    done: (outcome: never) => void,
  ): LoadCall<K> {
    const now = performance.now();
    const call = new LoadCall(key, keys, timeoutMs, failureLevel, now, done as LoadCall<K>['done'], this.expire);
    if (timeoutMs > 0) {
      let list = this.timeouts.get(timeoutMs);
      if (list === undefined) this.timeouts.set(timeoutMs, (list = new TimeoutList(timeoutMs, this.dropTimeoutList)));
      list.add(call, now);
      call.timeouts = list;
    }
    return call;
  }

  /** Calls the loader of `call`, and settles the call with what it returned, now or once it resolves. */
  private run(call: LoadCall<K>): void {
    let returned: unknown;
    try {
      returned = call.keys === null ? this.loaders.load!(call.key, call.context) : this.loaders.loadMany!(call.keys, call.context);
    } catch (error) {
      this.settleSoon(call, describeError(error), undefined);
      return;
    }
    if (!isThenable(returned)) {
      this.settleSoon(call, null, returned);
      return;
    }
    this.addPending(call);
    call.promise = Promise.resolve(returned).then(
      (answer) => {
        this.removePending(call);
        this.settle(call, null, answer);
      },
      (error: unknown) => {
        this.removePending(call);
        this.settle(call, describeError(error), undefined);
      },
    );
  }

  /**
   * A load that returned at once settles in a microtask, so `done` never runs inside `start` — through
   * a promise reaction, like a load that returned a promise, rather than `queueMicrotask`, whose
   * throw would be an uncaught exception.
   */
  private settleSoon(call: LoadCall<K>, failure: string | null, answer: unknown): void {
    void Promise.resolve().then(() => this.settle(call, failure, answer));
  }

  /** Aborts every call in flight; their callers get an error at once. */
  abortAll(): void {
    // Only a call with a pending promise can be unsettled; settling one never unlinks it here.
    for (let call = this.pendingHead; call !== null; call = call.nextPending) {
      if (!call.settled) this.abort(call, messages.loadAborted());
    }
  }

  /** Settles `call` with its loader's `answer`, or with `failure` (the call threw, rejected, timed out or was aborted). */
  private settle(call: LoadCall<K>, failure: string | null, answer: unknown): void {
    if (call.settled) return; // a late result is dropped
    call.settled = true;
    call.timeouts?.remove(call);
    if (call.keys === null) this.settleLoad(call, failure === null ? readLoadResult(answer) : { ok: false, error: failure });
    else this.settleBatch(call, call.keys, failure, answer);
  }

  private settleLoad(call: LoadCall<K>, outcome: LoadOutcome<unknown>): void {
    if (!outcome.ok) this.logger[call.failureLevel](messages.loadFailed(this.keyText(call.key), outcome.error));
    else if (this.logger.isDebugEnabled?.() !== false) {
      this.logger.debug(messages.loadDebug(this.keyText(call.key), performance.now() - call.started));
    }
    this.onSettled(call.key, outcome, call.started);
    (call.done as (outcome: LoadOutcome<unknown>) => void)(outcome);
  }

  private settleBatch(call: LoadCall<K>, keys: K[], failure: string | null, answer: unknown): void {
    const read = batchOutcomes<K, unknown>(keys, failure, answer, this.keyText);
    this.logBatch(call, keys, read);
    const { outcomes, failed, error } = read;
    for (let i = 0; i < keys.length; i++) this.onSettled(keys[i]!, outcomes[i]!, call.started);
    this.onBatchSettled({ keys, failed, error, durationMs: performance.now() - call.started });
    (call.done as (outcomes: LoadOutcome<unknown>[]) => void)(outcomes);
  }

  /** One line per batch that failed, whole or in part, naming a few keys; ignored results and the duration at debug. */
  private logBatch(call: LoadCall<K>, keys: K[], { outcomes, failed, error, unasked, repeated }: BatchOutcomes<unknown>): void {
    if (error !== null) {
      const named = keys.slice(0, SAMPLE_KEYS).map(this.keyText).join(', ') + (keys.length > SAMPLE_KEYS ? ', …' : '');
      this.logger[call.failureLevel](messages.batchFailed(keys.length, named, error));
    } else if (failed > 0) {
      const sample: string[] = [];
      for (let i = 0; i < keys.length && sample.length < SAMPLE_KEYS; i++) {
        const outcome = outcomes[i]!;
        if (!outcome.ok) sample.push(`${this.keyText(keys[i]!)}: ${outcome.error}`);
      }
      this.logger[call.failureLevel](messages.batchKeysFailed(failed, keys.length, sample));
    }
    if (this.logger.isDebugEnabled?.() === false) return;
    if (unasked > 0 || repeated > 0) this.logger.debug(messages.batchIgnored(keys.length, unasked, repeated));
    this.logger.debug(messages.batchDebug(keys.length, performance.now() - call.started));
  }

  /** Settles `call` with the failure `text`, then fires its signal with it. */
  private abort(call: LoadCall<K>, text: string): void {
    this.settle(call, text, undefined);
    call.fireSignal(new Error(text));
  }

  /** A timeout list that ran empty: dropped, so per-call timeouts of many durations don't pile up. */
  private readonly dropTimeoutList = (list: TimeoutList): void => {
    if (this.timeouts.get(list.ms) === list) this.timeouts.delete(list.ms);
  };

  private readonly expire = (call: LoadCall<K>): void => {
    this.abort(call, messages.loadTimedOut(call.timeoutMs));
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

/** One `load` or `loadMany` in flight: an entry of its timeout list, with what settles it. */
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
    /** The key of a `load`; the first key of a batch. */
    readonly key: K,
    /** The keys of a `loadMany`; null for a `load`. */
    readonly keys: K[] | null,
    readonly timeoutMs: number,
    readonly failureLevel: 'warn' | 'debug',
    /** When it started, by `performance.now()`. */
    readonly started: number,
    /** Gets the outcome of a `load`, or the outcomes of a batch. */
    readonly done: ((outcome: LoadOutcome<unknown>) => void) | ((outcomes: LoadOutcome<unknown>[]) => void),
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
 * What `load` and `loadMany` get. `signal` is an own enumerable property, so `{ ...context }` keeps
 * it, but its AbortController is made only when it is read: most loads never read it, and one per
 * load (or a closure per load for a lazy getter) was the largest cost of a refresh.
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
