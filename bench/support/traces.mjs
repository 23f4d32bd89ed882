// The request sequences of workload 8: the shared cache traces and a seeded Zipf generator.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The folder of the shared traces, beside the repository. */
export const tracesFolder = join(repository, '..', 'shared', 'traces');

/** A trace's keys as integers (one key per line, gzipped), or `null` when the file is missing. */
export async function readTrace(name) {
  const file = join(tracesFolder, `${name}.txt.gz`);
  if (!existsSync(file)) return null;
  const lines = gunzipSync(await readFile(file)).toString('latin1').split('\n');
  const keys = new Int32Array(lines.length);
  let count = 0;
  for (const line of lines) {
    const text = line.trim();
    if (text !== '') keys[count++] = Number(text);
  }
  return keys.subarray(0, count);
}

/** A 32-bit seeded generator of uniform numbers in [0, 1) (mulberry32). */
function uniform(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `requests` keys drawn from `items` keys with Zipf exponent `s` (key rank r has weight 1/r^s), by
 * inverse transform over the cumulative weights. Ranks are shuffled onto key numbers so that the
 * popular keys aren't the small ones.
 */
export function zipfTrace({ items, requests, s, seed }) {
  const random = uniform(seed);
  const cumulative = new Float64Array(items);
  let total = 0;
  for (let rank = 0; rank < items; rank++) cumulative[rank] = total += 1 / (rank + 1) ** s;
  const keyOfRank = new Int32Array(items);
  for (let i = 0; i < items; i++) keyOfRank[i] = i;
  for (let i = items - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keyOfRank[i], keyOfRank[j]] = [keyOfRank[j], keyOfRank[i]];
  }
  const keys = new Int32Array(requests);
  for (let i = 0; i < requests; i++) {
    const target = random() * total;
    let low = 0;
    let high = items - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    keys[i] = keyOfRank[low];
  }
  return keys;
}
