import { createHook } from 'node:async_hooks';

/** Resource types that keep a Node process alive while open (as jest's --detectOpenHandles sees them). */
const KEEPS_PROCESS_ALIVE = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'TCPSERVERWRAP', 'PIPEWRAP', 'SIGNALWRAP', 'FSEVENTWRAP', 'PROCESSWRAP']);

interface Tracked {
  type: string;
  resource: { hasRef?: () => boolean; _destroyed?: boolean };
}

/**
 * Records every resource created from now on that could keep the process alive. `stillOpen()` lists
 * the types of those not closed yet (a timer that fired, was cleared or is unref'd does not count).
 */
export function trackOpenHandles(): { stillOpen: () => string[]; stop: () => void } {
  const live = new Map<number, Tracked>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (KEEPS_PROCESS_ALIVE.has(type)) live.set(id, { type, resource: resource as Tracked['resource'] });
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  const stillOpen = () =>
    [...live.values()]
      .filter(({ resource }) => resource._destroyed !== true && (typeof resource.hasRef !== 'function' || resource.hasRef()))
      .map(({ type }) => type);
  return { stillOpen, stop: () => hook.disable() };
}
