import type { BucketChange } from './engine-observer.js';

/**
 * The calls made before start-up has filled the bucket from its dump or snapshot: reads wait for the
 * fill, and writes wait in order, to be applied over what it brought. Without this, a read made before
 * the app was initialised loaded a key the dump holds, and the dump was then merged with it.
 */
export class EarlyCalls<K, V> {
  /** Resolves when the bucket is filled and the waiting writes are applied. */
  readonly filled: Promise<void>;
  private release!: () => void;
  private readonly writes: Array<[change: BucketChange<K, V>, announce: boolean]> = [];

  constructor() {
    this.filled = new Promise<void>((resolve) => (this.release = resolve));
  }

  /** Keeps a write for when the bucket is filled. */
  hold(change: BucketChange<K, V>, announce: boolean): void {
    this.writes.push([change, announce]);
  }

  /** Applies the writes held, in order, then lets the waiting reads go on. */
  letThrough(apply: (change: BucketChange<K, V>, announce: boolean) => void): void {
    for (const [change, announce] of this.writes) apply(change, announce);
    this.release();
  }
}
