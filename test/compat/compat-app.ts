import { spawn } from 'node:child_process';

/** What a finished child process left behind. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of the child processes, without what this jest run put there: jest's ESM flag
 * and the variables of the `npm run` that started it, which would point a nested npm at this repo.
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of Object.keys(env)) {
    if (/^(NODE_OPTIONS|INIT_CWD|npm_package_.*|npm_lifecycle_.*|npm_config_local_prefix)$/.test(name)) delete env[name];
  }
  return env;
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: string[], cwd: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const finished = { code, signal, stdout, stderr };
      if (code === 0) resolve(finished);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}) in ${cwd}:\n${stdout}\n${stderr}`));
    });
  });
}

/** How long an app may take to close after SIGTERM before it counts as hung. */
const CLOSE_BOUND_MS = 60_000;

/** A running compat app. */
export interface RunningApp {
  /** Sends an HTTP GET to the app. */
  get(path: string): Promise<Response>;
  /**
   * Sends SIGTERM, as a process manager does, and waits for the process to end; an app still running
   * after a generous bound is killed and the promise rejects.
   */
  stop(): Promise<Finished>;
}

/** Starts a built compat app (`node dist/main.js`) with extra environment variables, and waits until it listens. */
export function startApp(dir: string, env: Record<string, string>): Promise<RunningApp> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const ended = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return new Promise((resolve, reject) => {
    let listening = false;
    const onOutput = () => {
      const match = listening ? null : /listening on (\d+)/.exec(stdout);
      if (!match) return;
      listening = true;
      const base = `http://127.0.0.1:${match[1]}`;
      resolve({
        get: (path) => fetch(base + path),
        stop: () => {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_BOUND_MS);
          return ended.then((finished) => {
            clearTimeout(timer);
            if (finished.signal === 'SIGKILL') throw new Error(`the app did not close within ${CLOSE_BOUND_MS} ms:\n${finished.stdout}`);
            return finished;
          });
        },
      });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      onOutput();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    void ended.then((finished) => reject(new Error(`the app ended before listening:\n${finished.stdout}\n${finished.stderr}`)));
  });
}
