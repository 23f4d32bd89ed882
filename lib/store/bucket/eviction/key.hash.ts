import { hashKey } from '../../key-equality.js';

/**
 * A key's 32-bit hash under a per-policy seed. Strings, the usual key, hash with the seed inside the
 * loop, so that keys chosen to collide under one seed don't collide under another; other keys mix the
 * structural hash with the seed.
 */
export function seededHash(key: unknown, seed: number): number {
  if (typeof key !== 'string') return finish(hashKey(key) ^ seed);
  let h = seed;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul((h << 5) | (h >>> 27), 0x9e3779b1);
  }
  return finish(h ^ key.length);
}

function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
