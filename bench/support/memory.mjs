import { jsonFromChild } from './child-json.mjs';

/**
 * Memory in use after full garbage collections, each followed by a turn of the event loop so the
 * collector's concurrent sweeping has finished: the heap, plus the memory of array buffers (typed
 * arrays keep their contents outside the heap); needs `node --expose-gc`.
 * @returns {Promise<number>} bytes
 */
export async function settledHeap() {
  if (typeof globalThis.gc !== 'function') throw new Error('run the bench with node --expose-gc');
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * Runs `bench/support/memory-child.mjs <args>` in a fresh Node process and returns what it printed
 * as JSON: each heap figure comes from a process whose heap no other measurement touched.
 * @param {string[]} args
 */
export function measureInChild(args) {
  return jsonFromChild('memory-child.mjs', args);
}
