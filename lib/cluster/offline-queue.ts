import { ValueKeyedMap } from '../store/value-keyed-map.js';
import type { ClusterEnvelope } from './channel-codec.js';

/**
 * The changes made while Redis is unreachable, sent when it is back: the last one per key, in the
 * order they were made (so each sender's numbers still grow), a clear dropping what came before it.
 * Bounded: past `limit` keys it keeps nothing more and says so once.
 */
export class OfflineQueue<K> {
  private readonly byKey = new ValueKeyedMap<K, ClusterEnvelope>();
  private clear: ClusterEnvelope | null = null;
  private full = false;

  constructor(private readonly limit: number) {}

  /** Queues a change of `key` (null: a clear); false the first time one is dropped because the queue is full. */
  add(key: K | null, envelope: ClusterEnvelope): boolean {
    if (key === null) {
      this.byKey.clear();
      this.clear = envelope;
      return true;
    }
    if (!this.byKey.has(key) && this.byKey.size >= this.limit) {
      const first = !this.full;
      this.full = true;
      return !first;
    }
    this.byKey.delete(key); // re-inserted at the end: the order stays that of the changes
    this.byKey.set(key, envelope);
    return true;
  }

  /** Everything queued, in order; the queue is empty afterwards. */
  drain(): ClusterEnvelope[] {
    const envelopes = this.clear ? [this.clear] : [];
    for (const [, envelope] of this.byKey) envelopes.push(envelope);
    this.byKey.clear();
    this.clear = null;
    this.full = false;
    return envelopes;
  }
}
