const toStringTag = Object.prototype.toString;

/**
 * The entries of a Map, a plain object, or an iterable of [key, value] pairs — the shapes `extra`
 * and an init `seed` may take. Throws a TypeError for anything else.
 */
export function entriesOf(source: unknown): Iterable<readonly [unknown, unknown]> {
  if (toStringTag.call(source) === '[object Map]') return (source as Map<unknown, unknown>).entries();
  if (typeof source !== 'object' || source === null) throw new TypeError(`expected a Map, an object or entries`);
  if (typeof (source as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return checkedPairs(source as Iterable<unknown>);
  }
  return Object.entries(source);
}

function* checkedPairs(source: Iterable<unknown>): Iterable<readonly [unknown, unknown]> {
  for (const pair of source) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`expected [key, value] pairs`);
    yield pair as [unknown, unknown];
  }
}
