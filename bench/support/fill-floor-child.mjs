// The floor under workload 20's big-snapshot delays, in a process of its own and with no library in
// it:   node --expose-gc fill-floor-child.mjs <count>
// The entries of the big snapshot (keyOf/valueOf) are held as JSON chunks of about 64 KB in buffers
// (outside the heap, as a snapshot's values are in Redis). It then fills maps from them, parsing
// and storing one chunk per turn of the event loop, and parses and stores them all again over the
// same keys (each value replaced by a new one, as when every value was refreshed). It prints
// { fill, replace, size } as JSON, each { wallMs, maxMs }: what V8 alone costs this machine for that data.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { keyOf, valueOf } from './data.mjs';
import { measured } from './measured.mjs';

const CHUNK_BYTES = 64 * 1024;

const count = Number(process.argv[2]);
const chunks = [];
let pending = [];
let pendingBytes = 0;
for (let i = 0; i < count; i++) {
  const pair = JSON.stringify([keyOf(i), valueOf(i)]);
  pending.push(pair.slice(1, -1));
  pendingBytes += pair.length;
  if (pendingBytes >= CHUNK_BYTES || i === count - 1) {
    chunks.push(Buffer.from(`[${pending.join(',')}]`));
    pending = [];
    pendingBytes = 0;
  }
}

// Spread over 64 maps, as a bucket spreads its keys (so no map rehashes millions of keys in one
// step), by the entry's place rather than a hash of its key: the least this could cost.
const maps = Array.from({ length: 64 }, () => new Map());
const storeAll = async () => {
  for (let c = 0, place = 0; c < chunks.length; c++) {
    if (c > 0) await nextTurn();
    const items = JSON.parse(chunks[c].toString('utf8'));
    for (let i = 0; i < items.length; i += 2) maps[place++ & 63].set(items[i], items[i + 1]);
  }
};
const fill = await measured(storeAll);
const replace = await measured(storeAll);
const figures = ({ wallMs, maxMs }) => ({ wallMs, maxMs });
const size = maps.reduce((sum, map) => sum + map.size, 0);
process.stdout.write(JSON.stringify({ fill: figures(fill), replace: figures(replace), size }));
