// Starts the engine of bucket "guarded" on a dump file this process may not be able to read, and
// prints what a user would see: the warnings, where the bucket came from, and the files beside it.
// The test runs it as an unprivileged user when it runs as root, since root reads any file.
import { readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { resolveConfig } from '../../../dist/config/resolve-config.js';
import { CacheEngine } from '../../../dist/store/cache-engine.js';

const [file] = process.argv.slice(2);
const warnings = [];
const logger = { log() {}, error() {}, debug() {}, verbose() {}, warn: (message) => warnings.push(message) };
const config = resolveConfig({
  storeName: 'GuardedStore',
  decorator: { bucket: 'guarded', file, refreshInterval: null },
  feature: undefined,
  root: undefined,
});
let initRuns = 0;
const engine = new CacheEngine(
  config,
  { load: () => ({ ok: false, error: 'not used' }), init: () => (initRuns++, { ok: true, seed: { fresh: 1 } }) },
  logger,
);
await engine.start();
await engine.close();
const names = (await readdir(dirname(file))).filter((name) => name.startsWith(basename(file)));
console.log(JSON.stringify({ warnings, initRuns, startedFrom: engine.stats().startedFrom, keys: engine.keys(), names }));
