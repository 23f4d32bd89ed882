// Caffeine's hit ratio over a trace, from a separate `java` process: the small program beside this file
// is compiled with `javac` into a temporary folder on first use. The jar is `CAFFEINE_JAR`, else the
// newest Caffeine in the local Maven repository.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const PROGRAM = 'CaffeineHitRatio';

function newestCaffeineJar() {
  if (process.env.CAFFEINE_JAR) return existsSync(process.env.CAFFEINE_JAR) ? process.env.CAFFEINE_JAR : null;
  const folder = join(homedir(), '.m2', 'repository', 'com', 'github', 'ben-manes', 'caffeine', 'caffeine');
  if (!existsSync(folder)) return null;
  const byVersion = (a, b) => {
    const [x, y] = [a, b].map((v) => v.split('.').map(Number));
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
  };
  for (const version of readdirSync(folder).sort(byVersion)) {
    const jar = join(folder, version, `caffeine-${version}.jar`);
    if (existsSync(jar)) return jar;
  }
  return null;
}

/**
 * Compiles the runner into `folder`; returns a function `(keys: Int32Array, sizes: number[]) → hits[]`,
 * or `{ unavailable: reason }` when there is no JDK or no jar.
 */
export async function caffeineRunner(folder) {
  const jar = newestCaffeineJar();
  if (!jar) return { unavailable: 'no Caffeine jar (set CAFFEINE_JAR)' };
  try {
    await execFileAsync('javac', ['-nowarn', '-cp', jar, '-d', folder, join(here, `${PROGRAM}.java`)]);
  } catch (error) {
    return { unavailable: `no JDK to compile the runner (${String(error?.message ?? error).split('\n')[0]})` };
  }
  const version = basenameVersion(jar);
  let traces = 0;
  const run = async (keys, sizes) => {
    const file = join(folder, `trace-${traces++}.bin`);
    await writeFile(file, Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength));
    const { stdout } = await execFileAsync('java', ['-cp', `${folder}:${jar}`, PROGRAM, file, ...sizes.map(String)]);
    return stdout.trim().split('\n').map((line) => Number(line.split(' ')[1]));
  };
  return { run, version };
}

function basenameVersion(jar) {
  return /caffeine-([\d.]+)\.jar$/.exec(jar)?.[1] ?? 'unknown';
}
