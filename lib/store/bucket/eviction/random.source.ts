import { randomBytes } from 'node:crypto';

/** A fresh unpredictable 32-bit seed (one per policy: a hash flood can't be prepared in advance). */
export function randomSeed(): number {
  return randomBytes(4).readInt32LE(0);
}

/** A small fast generator (xorshift32) for admission jitter; its state never reaches 0. */
export class Xorshift32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0 || 0x2545f491;
  }

  /** The next 32-bit value. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return x;
  }
}
