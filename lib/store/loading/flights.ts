import type { CacheWorkerConfig } from '../../interfaces/cache-worker-config.interface.js';
import type { FetchOptions, FetchResult } from '../../interfaces/fetch-result.interface.js';
import { checkTimeoutOption } from '../../config/validate-config.js';
import * as messages from '../../cache-worker.messages.js';
import type { BucketChange } from '../engine-observer.js';
import type { TracerSlot } from '../engine-tracer.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { StatsCounters } from '../stats.js';
import { ownKey } from '../key-copy.js';
import { ValueKeyedMap } from '../value-keyed-map.js';
import { Batcher } from './batcher.js';
import type { LoadOutcome } from './load-result.js';
import type { LoadRunner } from './load-runner.js';

/** A load that succeeded. */
export type LoadedOutcome<V> = Extract<LoadOutcome<V>, { ok: true }>;
/** A load that failed. */
export type FailedOutcome = Extract<LoadOutcome<unknown>, { ok: false }>;

/** One load shared by every concurrent reader of a key. */
export interface Flight<V> {
  promise: Promise<LoadOutcome<V>>;
  /** Whether the value is stored: true as soon as one sharing caller wants it saved. */
  save: boolean;
  /** The `fetch` result every reader without its own timeout shares, made on the first such read. */
  result?: Promise<FetchResult<V>>;
  /** The app wrote the key while this load ran: a full refresh must not store its value over the write. */
  superseded?: boolean;
}

/** The flight of a key loaded in a `loadMany` batch: settled by the batch, so it keeps its key and resolver. */
class BatchedFlight<K, V> implements Flight<V> {
  save = false;
  result?: Promise<FetchResult<V>>;
  superseded?: boolean;
  readonly promise: Promise<LoadOutcome<V>>;
  resolve!: (outcome: LoadOutcome<V>) => void;

  constructor(readonly key: K) {
    this.promise = new Promise((resolve) => (this.resolve = resolve));
  }
}

/** How many flights end before their Map is renewed (see `end`). */
const RENEW_FLIGHTS_AFTER = 1024;

/**
 * One load per key in flight, shared by every reader of that key; a write wins over the loads of its
 * key. With `batched` (the store has `loadMany`), every load of a miss waits in the batcher for others
 * to share its `loadMany` call, and a refresh loads its keys a batch at a time.
 */
export class Flights<K, V> {
  private flights = new ValueKeyedMap<K, Flight<V>>();
  /** Flights ended since `flights` was last renewed. */
  private ended = 0;
  private closed = false;
  private readonly batcher: Batcher<BatchedFlight<K, V>> | null;

  constructor(
    private readonly config: CacheWorkerConfig,
    private readonly runner: LoadRunner<K>,
    private readonly counters: StatsCounters,
    private readonly logger: CacheWorkerLogger,
    private readonly tracing: TracerSlot<K>,
    /** Stores a loaded value that some caller of its flight wants saved. */
    private readonly save: (key: K, outcome: LoadedOutcome<V>) => void,
    /** Told of every failed load (for the failure backoff). */
    private readonly failed: (key: K, outcome: FailedOutcome) => void,
    batched: boolean,
  ) {
    this.batcher = batched
      ? new Batcher(config.batchSize, config.batchDelay, (flights, timeoutMs) => this.runBatch(flights, timeoutMs, 'warn'))
      : null;
  }

  /** Whether a load of `key` is in flight. */
  isLoading(key: K): boolean {
    return this.flights.size > 0 && this.flights.has(key);
  }

  /** Whether loads go through `loadMany`. */
  get batched(): boolean {
    return this.batcher !== null;
  }

  /** A `fetch` that missed: joins the flight of `key` or starts one. */
  fetch(key: K, options: FetchOptions | undefined): Promise<FetchResult<V>> {
    const save = options?.skipSave !== true;
    const timeout = options?.timeout;
    if (timeout !== undefined) return this.join(key, save, timeout).then(toFetchResult);
    const flight = this.flights.get(key) ?? this.start(key, this.config.loadTimeout, false);
    if (save) flight.save = true;
    // One result for every reader of the flight: a storm of misses on one key allocates nothing per read.
    return (flight.result ??= flight.promise.then(toFetchResult));
  }

  /** Joins the load of `key` in flight, or starts one; a caller's own timeout bounds only its wait. */
  join(key: K, save: boolean, timeout: number | undefined): Promise<LoadOutcome<V>> {
    if (timeout !== undefined) {
      // Node's timers turn Infinity and other out-of-range delays into 1 ms: reject them clearly instead.
      const invalid = checkTimeoutOption(this.config.bucket, timeout);
      if (invalid !== null) {
        this.logger.warn(invalid);
        return Promise.resolve({ ok: false, error: invalid });
      }
    }
    const existing = this.flights.get(key);
    if (existing === undefined) {
      const flight = this.start(key, timeout ?? this.config.loadTimeout, false);
      flight.save = save;
      return flight.promise;
    }
    if (save) existing.save = true;
    return timeout === undefined || timeout === 0 ? existing.promise : waitAtMost(existing.promise, timeout); // 0: no bound, as loadTimeout
  }

  /** The flight a full refresh waits on for `key`: the one in flight, or a new one of the refresh. */
  forRefresh(key: K): Flight<V> {
    return this.flights.get(key) ?? this.start(key, this.config.loadTimeout, true);
  }

  /**
   * The flights a full refresh waits on for `keys` (distinct): those in flight, and one `loadMany` call,
   * started now, for the others; its failures log at debug.
   */
  forRefreshBatch(keys: readonly K[]): Flight<V>[] {
    const flights = new Array<Flight<V>>(keys.length);
    const fresh: BatchedFlight<K, V>[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      let flight = this.flights.get(key);
      if (flight === undefined) {
        if (this.closed) flight = abortedFlight();
        else {
          const batched = new BatchedFlight<K, V>(key);
          this.flights.set(key, batched);
          fresh.push(batched);
          flight = batched;
        }
      }
      flights[i] = flight;
    }
    if (fresh.length > 0) this.runBatch(fresh, this.config.loadTimeout, 'debug');
    return flights;
  }

  /**
   * A write wins over the loads of its key already in flight: their callers still get the loaded value,
   * but it is not stored over the write (a read that joins the load afterwards may still save it).
   */
  supersede(change: BucketChange<K, V>): void {
    if (this.flights.size === 0) return;
    if (change.type === 'clear') for (const [, flight] of this.flights) supersede(flight);
    else {
      const flight = this.flights.get(change.key);
      if (flight) supersede(flight);
    }
  }

  /**
   * Shutdown: no new loads, those in flight aborted through their signal and awaited at most
   * `timeoutMs`; returns how many were still running.
   */
  close(timeoutMs: number): Promise<number> {
    this.closed = true;
    // Misses still waiting for their batch never reach loadMany.
    if (this.batcher !== null) {
      const aborted: LoadOutcome<V> = { ok: false, error: messages.loadAborted() };
      for (const flight of this.batcher.takeWaiting()) {
        this.end(flight.key);
        flight.resolve(aborted);
      }
    }
    this.runner.abortAll();
    return this.runner.waitForPending(timeoutMs);
  }

  /** Starts the load of `key`; one a full refresh starts logs its failure at debug, as the refresh sums them up. */
  private start(callerKey: K, timeoutMs: number, inRefresh: boolean): Flight<V> {
    if (this.closed) return abortedFlight();
    // The flight's own key: the caller may change its object while the load runs; `load`, the end of the
    // flight and the stored value must all see the key as it was asked for.
    const key = ownKey(callerKey);
    if (this.batcher !== null) {
      const flight = new BatchedFlight<K, V>(key);
      this.flights.set(key, flight);
      this.batcher.add(flight, timeoutMs);
      return flight;
    }
    this.counters.loads++;
    const flight: Flight<V> = { save: false, promise: undefined as never };
    const tracer = this.tracing.current;
    flight.promise =
      tracer === null
        ? this.run(key, timeoutMs, inRefresh, flight)
        : tracer.load(key, inRefresh, () => this.run(key, timeoutMs, inRefresh, flight));
    this.flights.set(key, flight);
    return flight;
  }

  private run(key: K, timeoutMs: number, inRefresh: boolean, flight: Flight<V>): Promise<LoadOutcome<V>> {
    return new Promise((resolve) =>
      this.runner.start<V>(key, timeoutMs, inRefresh ? 'debug' : 'warn', (outcome) => {
        this.land(key, flight, outcome);
        resolve(outcome);
      }),
    );
  }

  /** Runs one `loadMany` for `flights` (which are in `this.flights`) and lands each key's outcome. */
  private runBatch(flights: BatchedFlight<K, V>[], timeoutMs: number, failureLevel: 'warn' | 'debug'): void {
    const keys = flights.map((flight) => flight.key);
    this.counters.loads += keys.length;
    this.counters.batches++;
    this.counters.batchedKeys += keys.length;
    const landAll = (outcomes: LoadOutcome<V>[]) => {
      for (let i = 0; i < flights.length; i++) {
        const flight = flights[i]!;
        this.land(flight.key, flight, outcomes[i]!);
        flight.resolve(outcomes[i]!);
      }
    };
    const tracer = this.tracing.current;
    if (tracer === null) {
      this.runner.startBatch<V>(keys, timeoutMs, failureLevel, landAll);
      return;
    }
    void tracer.loadBatch<V>(keys, failureLevel === 'debug', () =>
      new Promise((resolve) =>
        this.runner.startBatch<V>(keys, timeoutMs, failureLevel, (outcomes) => {
          landAll(outcomes);
          resolve(outcomes);
        }),
      ),
    );
  }

  /** A load of `key` settled: its flight ends, and its value is stored if a caller wants it saved. */
  private land(key: K, flight: Flight<V>, outcome: LoadOutcome<V>): void {
    this.end(key);
    if (!outcome.ok) {
      this.counters.loadErrors++;
      this.failed(key, outcome);
    } else if (flight.save) this.save(key, outcome);
  }

  /**
   * Forgets the flight of `key`. A refresh adds and deletes one flight per key: once a Map that sees
   * such churn is old, V8 allocates each of its rehashed tables in old space, and those dead tables
   * keep every young flight alive through the next scavenge. A new Map now and then keeps it young.
   */
  private end(key: K): void {
    this.flights.delete(key);
    if (++this.ended < RENEW_FLIGHTS_AFTER) return;
    this.ended = 0;
    this.flights = this.flights.copy();
  }
}

/** The flight of a load asked for during shutdown: it fails at once. */
function abortedFlight<V>(): Flight<V> {
  return { save: false, promise: Promise.resolve({ ok: false, error: messages.loadAborted() }) };
}

function supersede<V>(flight: Flight<V>): void {
  flight.save = false;
  flight.superseded = true;
}

function toFetchResult<V>(outcome: LoadOutcome<V>): FetchResult<V> {
  return outcome.ok ? { ok: true, value: outcome.value, loaded: true } : { ok: false, error: outcome.error };
}

/** A caller's own bound on a shared load: it stops waiting, the load goes on for the others. */
function waitAtMost<V>(promise: Promise<LoadOutcome<V>>, ms: number): Promise<LoadOutcome<V>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: messages.loadTimedOut(ms) }), ms);
    void promise.then((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}
