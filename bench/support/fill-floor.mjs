import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs `fill-floor-child.mjs` for `count` entries and resolves to what it measured:
 * { fill, replace }, each { wallMs, maxMs }. Rejects if the process ends before it answers.
 * @param {number} count
 */
export async function measureFillFloor(count) {
  const script = fileURLToPath(new URL('./fill-floor-child.mjs', import.meta.url));
  const child = fork(script, [String(count)], { execArgv: ['--expose-gc'], env: { ...process.env, NODE_OPTIONS: '' } });
  const figures = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`workload 20: the plain fill's process ended (exit code ${code}) before it answered`)));
  });
  if (figures.size !== count) throw new Error(`workload 20: the plain fill holds ${figures.size} of ${count} entries`);
  return figures;
}
