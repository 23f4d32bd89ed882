import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Runs `bench/support/<script> <args>` in a fresh Node process (`--expose-gc`, no inherited
 * NODE_OPTIONS) and returns what it printed, as JSON: a figure from a process no other measurement touched.
 * @param {string} script
 * @param {string[]} args
 */
export async function jsonFromChild(script, args) {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', path, ...args], {
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout);
}
