/** Milliseconds to wait: what a `load` from a slow source costs. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The i-th string key. */
export const keyOf = (i) => `item:${String(i).padStart(7, '0')}`;

/** A small object value with a string array, the shape the dump and memory workloads use. */
export const valueOf = (i) => ({ id: i, name: `item ${i}`, tags: ['alpha', `t${i % 97}`, 'omega'] });

/** `count` keys, and `count` values made by `valueOf`. */
export function entries(count) {
  const keys = new Array(count);
  const values = new Array(count);
  for (let i = 0; i < count; i++) {
    keys[i] = keyOf(i);
    values[i] = valueOf(i);
  }
  return { keys, values };
}
