// Writes dumps of one bucket in a loop, as fast as it can, until it is killed. Plain Node over the
// compiled library, so that a spawn costs little. Usage: dump-writer.child.mjs <file> <first version>
// Version v of the bucket holds ENTRIES keys, each with the value { v, i }. After each dump is
// renamed into place the child prints the version, one line each.
import { resolveConfig } from '../../../dist/config/resolve-config.js';
import { CacheEngine } from '../../../dist/store/cache-engine.js';

export const ENTRIES = 3000;
const [file, firstVersion] = process.argv.slice(2);
const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };
const config = resolveConfig({
  storeName: 'DumpWriter',
  decorator: { bucket: 'crash', file, refreshInterval: null, dumpDelay: 60_000 },
  feature: undefined,
  root: undefined,
});
const engine = new CacheEngine(config, { load: () => ({ ok: false, error: 'not used' }) }, quiet);
await engine.start(); // removes the temporary files of killed writers

for (let version = Number(firstVersion); ; version++) {
  for (let i = 0; i < ENTRIES; i++) engine.set(`key-${i}`, { v: version, i });
  const result = await engine.dump();
  if (!result.ok) {
    process.stderr.write(`dump failed: ${result.error}\n`);
    process.exit(1);
  }
  process.stdout.write(`${version}\n`);
}
