/**
 * Heap in use after full garbage collections; needs `node --expose-gc`.
 * @returns {number} bytes
 */
export function settledHeap() {
  if (typeof globalThis.gc !== 'function') throw new Error('run the bench with node --expose-gc');
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

