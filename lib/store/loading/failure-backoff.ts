import { ValueKeyedMap } from '../value-keyed-map.js';

/** A failure remembered for a while, and until when (ms since the epoch). */
interface RememberedFailure {
  error: string;
  until: number;
}

/**
 * The failed loads whose error reads get again without calling `load`: for the bucket's
 * `failureBackoff` after any failure, or for the `retryAfter` the load gave (negative caching).
 */
export class FailureBackoff<K> {
  private readonly failures = new ValueKeyedMap<K, RememberedFailure>();

  constructor(private readonly backoffMs: number) {}

  get size(): number {
    return this.failures.size;
  }

  /**
   * A load of `key` failed; it is remembered for `retryAfter` if the load gave one, else for the
   * bucket's backoff. Returns until when (ms since the epoch), or null when it is not remembered.
   */
  failed(key: K, error: string, retryAfter: number | undefined): number | null {
    const ms = retryAfter ?? this.backoffMs;
    if (ms > 0) return this.remember(key, error, Date.now() + ms);
    if (this.failures.size > 0) this.failures.delete(key);
    return null;
  }

  /** Remembers a failure until `until` (another instance's, as it told it). */
  remember(key: K, error: string, until: number): number {
    this.failures.set(key, { error, until });
    return until;
  }

  /** The error reads of `key` get instead of a load, or null when they may load. */
  errorOf(key: K): string | null {
    if (this.failures.size === 0) return null;
    const failure = this.failures.get(key);
    if (failure === undefined) return null;
    if (Date.now() < failure.until) return failure.error;
    this.failures.delete(key);
    return null;
  }

  /** The key was written or invalidated: its failure no longer holds. */
  forget(key: K): void {
    if (this.failures.size > 0) this.failures.delete(key);
  }

  clear(): void {
    this.failures.clear();
  }

  /** Drops the failures whose time is past, so that memory goes down after an outage. */
  prune(now: number): void {
    for (const [key, failure] of this.failures) if (now >= failure.until) this.failures.delete(key);
  }
}
