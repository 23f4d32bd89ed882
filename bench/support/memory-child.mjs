// Measures in its own process the heap one structure needs for `count` entries whose keys and values
// exist beforehand:  node --expose-gc memory-child.mjs map|store|store-read|store-bounded|store-lifetimes <count>
// (store-bounded: a bucket whose maxEntries is the count, filled to its bound; store-lifetimes: a bucket
// with maxAge, expireAfterIdle and refreshAfter set).
// Prints { bytes, size } as JSON.
import { entries } from './data.mjs';
import { settledHeap } from './memory.mjs';
import { startStoreApp } from './nest-app.mjs';

const [kind, countText] = process.argv.slice(2);
const { keys, values } = entries(Number(countText));
const holder = {};
if (kind !== 'map') {
  const lifetimes = { maxAge: 3_600_000, expireAfterIdle: 3_600_000, refreshAfter: 3_600_000 };
  const settings = kind === 'store-bounded' ? { maxEntries: Number(countText) } : kind === 'store-lifetimes' ? lifetimes : {};
  const { app, store } = await startStoreApp({ bucket: 'bench-memory', source: () => ({ ok: false, error: 'none' }), settings });
  holder.app = app;
  holder.store = store;
}
const before = await settledHeap();
if (kind === 'map') {
  holder.map = new Map();
  for (let i = 0; i < keys.length; i++) holder.map.set(keys[i], values[i]);
} else {
  for (let i = 0; i < keys.length; i++) holder.store.set(keys[i], values[i]);
  if (kind === 'store-read') for (let i = 0; i < keys.length; i++) await holder.store.fetch(keys[i]);
}
const bytes = (await settledHeap()) - before;
const size = kind === 'map' ? holder.map.size : holder.store.size;
// Keys and values stay alive until the end, so neither figure includes them.
process.stdout.write(JSON.stringify({ bytes, size, kept: keys.length + values.length }));
await holder.app?.close();
