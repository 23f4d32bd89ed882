// A bucket whose dumps fail for a reason the test sets up outside this process (a file size limit,
// a folder this user may not write). Usage: dump-failure.child.mjs <file> <entries>
// It dumps twice and prints what it saw as one JSON line, waits for a line on stdin (the test has
// removed the cause, or this process shrinks the bucket), dumps again and prints the outcome.
// With FULL_DISK=mock, every file write fails with ENOSPC until that line: the mocked error code the
// disk-full test uses where it can't mount a small tmpfs (not root).
import { once } from 'node:events';
import { open, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { resolveConfig } from '../../../dist/config/resolve-config.js';
import { CacheEngine } from '../../../dist/store/cache-engine.js';

const [file, entries] = process.argv.slice(2);
let diskFull = process.env.FULL_DISK === 'mock';
if (diskFull) {
  const probe = `${file}.probe`;
  const handle = await open(probe, 'w');
  const prototype = Object.getPrototypeOf(handle);
  await handle.close();
  await unlink(probe);
  for (const method of ['write', 'writev']) {
    const real = prototype[method];
    prototype[method] = function (...args) {
      if (!diskFull) return real.apply(this, args);
      return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    };
  }
}
const errors = [];
const logger = { log() {}, warn() {}, debug() {}, verbose() {}, error: (message) => errors.push(message) };
const config = resolveConfig({
  storeName: 'FailingDumpStore',
  decorator: { bucket: 'failing', file, refreshInterval: null, dumpDelay: 60_000 },
  feature: undefined,
  root: undefined,
});
const engine = new CacheEngine(config, { load: (key) => ({ ok: true, value: `loaded ${key}` }) }, logger);
await engine.start();
for (let i = 0; i < Number(entries); i++) engine.set(`key-${i}`, `value ${i} `.repeat(4));

const failed = [await engine.dump(), await engine.dump()];
const served = await engine.fetch('asked-while-failing');
console.log(JSON.stringify({ failed, served, errors, stats: engine.stats() }));

await once(createInterface({ input: process.stdin }), 'line');
diskFull = false;
for (const key of engine.keys()) if (key !== 'key-0') engine.delete(key); // small enough for any size limit
const retried = await engine.dump();
await engine.close();
console.log(JSON.stringify({ retried, errors, stats: engine.stats() }));
