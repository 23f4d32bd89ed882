import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import type { EngineObserver } from './engine-observer.js';
import type { CacheWorkerLogger } from './logger.interface.js';

type Listener<K, V, E extends keyof EngineObserver<K, V>> = Parameters<NonNullable<EngineObserver<K, V>[E]>>;

/** The integrations an engine tells about what it does; a listener that throws is logged, never passed on. */
export class ObserverList<K, V> {
  private readonly observers: EngineObserver<K, V>[] = [];

  constructor(private readonly logger: CacheWorkerLogger) {}

  add(observer: EngineObserver<K, V>): void {
    this.observers.push(observer);
  }

  /** Whether anyone listens: callers on busy paths skip building a notice no one hears. */
  get listening(): boolean {
    return this.observers.length > 0;
  }

  notify<E extends keyof EngineObserver<K, V>>(event: E, ...args: Listener<K, V, E>): void {
    for (const observer of this.observers) this.tell(observer, event, args);
  }

  /** Tells every observer, and gives what each listener returned, settled (a rejection is logged). */
  gather<E extends keyof EngineObserver<K, V>>(event: E, ...args: Listener<K, V, E>): Promise<unknown>[] {
    return this.observers.map((observer) =>
      Promise.resolve(this.tell(observer, event, args)).catch((error: unknown) =>
        this.logger.warn(messages.observerThrew(event, describeError(error))),
      ),
    );
  }

  /** Calls one observer's listener and returns what it returned; a throw is logged, never passed on. */
  private tell<E extends keyof EngineObserver<K, V>>(observer: EngineObserver<K, V>, event: E, args: Listener<K, V, E>): unknown {
    const listener = observer[event] as ((...a: typeof args) => unknown) | undefined;
    if (!listener) return undefined;
    try {
      return listener.apply(observer, args);
    } catch (error) {
      this.logger.warn(messages.observerThrew(event, describeError(error)));
      return undefined;
    }
  }
}
