import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Forks `bench/support/follower-child.mjs`, a follower of `cluster` in its own process, and talks to
 * it over IPC: `read` is what its start from the shared snapshot measured; `ask(message)` sends a
 * message and resolves to its answer; `next()` resolves to the next message it sends. Each rejects
 * if the process ends before it.
 * @param {Record<string, unknown>} cluster the instance's cluster option
 */
export function startFollowerProcess(cluster) {
  const script = fileURLToPath(new URL('./follower-child.mjs', import.meta.url));
  const child = fork(script, [JSON.stringify(cluster)], { execArgv: ['--expose-gc'], env: { ...process.env, NODE_OPTIONS: '' } });
  const ended = new Promise((resolve) => child.once('exit', resolve));
  const answer = () =>
    new Promise((resolve, reject) => {
      child.once('message', resolve);
      ended.then((code) => reject(new Error(`workload 20: the follower's process ended (exit code ${code}) before it answered`)));
    });
  return {
    read: answer(),
    ask(message) {
      const answered = answer();
      child.send(message);
      return answered;
    },
    next: answer,
    /** Resolves once the process has ended: asks it to close, or kills it when `kill`. */
    async end({ kill = false } = {}) {
      if (kill && child.exitCode === null) child.kill();
      else if (child.connected) child.send('close');
      await ended;
    },
  };
}
