import type { FrequencySketch } from './frequency.sketch.js';
import { Xorshift32 } from './random.source.js';

/** A loser of admission this frequent may still get in, rarely, so colliding keys can't lock the cache. */
const JITTER_FREQUENCY = 6;
const JITTER_MASK = 127;

/**
 * TinyLFU admission: a newcomer takes the place of the main space's victim only if the sketch has
 * seen it more often lately. A warm newcomer that loses still gets in one time in 128, at random,
 * which bounds what keys flooding the victim's counters can achieve.
 */
export class AdmissionFilter {
  private readonly random: Xorshift32;

  constructor(
    readonly sketch: FrequencySketch,
    seed: number,
  ) {
    this.random = new Xorshift32(seed);
  }

  /** Whether the candidate takes the place of a victim of this frequency; `ties` says who wins at equal frequency. */
  admits(candidateHash: number, victim: number, ties: boolean): boolean {
    const candidate = this.sketch.frequency(candidateHash);
    if (candidate > victim || (ties && candidate === victim)) return true;
    return candidate >= JITTER_FREQUENCY && (this.random.next() & JITTER_MASK) === 0;
  }
}
