import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `condition` holds, checking every few milliseconds. The bound is generous (a loaded
 * machine is slow); on expiry it throws with `what`, so a failing test says what it waited for.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** A promise with its resolve function, to hold a load open until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export { sleep };
