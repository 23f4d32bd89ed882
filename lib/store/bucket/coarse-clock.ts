/**
 * The time (ms since the epoch) as reads of a bucket with lifetimes check it: `Date.now()` read at
 * most about once a millisecond, for every bucket of the process. On some machines `Date.now()` is a
 * system call that costs as much as the rest of a hit; ages are whole milliseconds anyway. The time
 * stays the same within one event-loop turn that lasts longer than that.
 */
let cached = 0;
const forget = (): void => {
  cached = 0;
};

export function coarseNow(): number {
  if (cached !== 0) return cached;
  cached = Date.now();
  setTimeout(forget, 1).unref();
  return cached;
}
