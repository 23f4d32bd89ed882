import { Bench } from 'tinybench';
import { summarize } from './stats.mjs';

/** Operations timed per sample: one `Map.get` is shorter than the timer's own overhead. */
export const BATCH = 32;

/**
 * Every result of a timed operation goes through `sink`, so the optimiser can't drop the work, and
 * `sink.misses` counts reads that found nothing (a hit-path measurement expects none).
 */
export const sink = { last: undefined, misses: 0 };

/** Accepts one read result; counts `undefined` (a miss) and keeps the value alive. */
export function consume(value) {
  if (value === undefined) sink.misses++;
  sink.last = value;
}

/**
 * Keys in a fixed pseudo-random order, handed out 32 at a time: every task reads the same sequence.
 * @template K
 * @param {K[]} keys
 * @param {number} length how many draws before the sequence repeats
 */
export function randomOrder(keys, length = 1 << 16, seed = 42) {
  const random = seededRandom(seed);
  const order = new Array(length);
  for (let i = 0; i < length; i++) order[i] = keys[Math.floor(random() * keys.length)];
  return order;
}

/** A small deterministic generator (mulberry32), so every run reads the same keys. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs micro-benchmark tasks in `rounds` rounds, in alternating order (forward, then reverse), each a
 * fresh tinybench run timing batches of 32 operations. Returns each task's operations per second per
 * round, so ratios can be taken round by round (both sides saw the same machine load).
 *
 * @param {Record<string, () => unknown>} tasks name → one batch of 32 operations (sync or async)
 * @param {{ rounds: number, timeMs: number }} options
 * @returns {Promise<Record<string, number[]>>}
 */
export async function runRounds(tasks, { rounds, timeMs }) {
  const names = Object.keys(tasks);
  const perRound = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs), throws: true });
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) bench.add(name, tasks[name]);
    await bench.run();
    // Operations over the time they took (tinybench's throughput is the mean of per-sample rates, which
    // counts a sample slowed by a garbage collection as one low rate among thousands, not as time spent).
    for (const task of bench.tasks) perRound[task.name].push((BATCH * 1000) / task.result.latency.mean);
  }
  return perRound;
}

/**
 * The ratio of two tasks round by round (`a / b`), summarized as median and range.
 * @param {Record<string, number[]>} perRound
 */
export function ratioOf(perRound, a, b) {
  return summarize(perRound[a].map((value, i) => value / perRound[b][i]));
}

/** The median operations per second of a task. */
export function opsOf(perRound, name) {
  return summarize(perRound[name]).median;
}
