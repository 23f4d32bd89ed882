import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The built sample app, as `npm start` runs it. */
export const SAMPLE_MAIN = resolve('sample-app/dist/main.js');

/** A running `node sample-app/dist/main.js`, with everything it printed so far. */
export interface Sample {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  port: number;
}

/**
 * Starts the built sample the way `npm start` does, on a free port, with `env` added to this
 * process's environment (jest's NODE_OPTIONS left out); resolves once it listens.
 */
export async function startSample(env: Record<string, string>): Promise<Sample> {
  const { NODE_OPTIONS: _jestOnly, ...inherited } = process.env;
  const child = spawn(process.execPath, [SAMPLE_MAIN], {
    env: { ...inherited, PORT: '0', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let running = true;
  void exited.then(() => (running = false));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /serving widgets on http:\/\/localhost:(\d+)/.exec(text);
    if (match) return { child, output: () => text, exited, port: Number(match[1]) };
    if (!running || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the sample app did not start listening:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends SIGTERM (what Ctrl-C's SIGINT also does through the shutdown hooks) and waits for the exit. */
export async function stopSample(sample: Sample): Promise<void> {
  sample.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([sample.exited, new Promise((r) => (timer = setTimeout(r, 20_000, 'timeout')))]);
  clearTimeout(timer);
  if (exit === 'timeout') sample.child.kill('SIGKILL');
  expect(exit).not.toBe('timeout');
}
