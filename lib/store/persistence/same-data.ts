/**
 * Whether two values are the same data, for a snapshot's entry that a running bucket already holds:
 * then it keeps its own value, and the decoded copy dies young instead of replacing it (a follower
 * mostly receives what it has, and replacing each value made the collector copy and mark the whole
 * snapshot). Strict where it says yes: primitives by `Object.is`; arrays, plain objects (properties in
 * the same order), Maps and Sets (in the same order) and Dates by content, each pair of one prototype.
 * Anything else (class instances, typed arrays, a getter that throws, nesting past a depth) answers
 * no, and the new value is stored.
 */
export function sameData(a: unknown, b: unknown): boolean {
  try {
    return sameAt(a, b, 0);
  } catch {
    return false;
  }
}

const MAX_DEPTH = 16;
const toStringTag = Object.prototype.toString;

function sameAt(a: unknown, b: unknown, depth: number): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > MAX_DEPTH) return false;
  const proto: unknown = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b)) return false;
  switch (toStringTag.call(a)) {
    case '[object Array]':
      return sameArrays(a as unknown[], b as unknown[], depth);
    case '[object Object]':
      // Plain: no prototype, or one without a prototype of its own (a realm's Object.prototype), not a class's.
      return (proto === null || Object.getPrototypeOf(proto) === null) && sameObjects(a, b, depth);
    case '[object Date]':
      return Object.is((a as Date).getTime(), (b as Date).getTime());
    case '[object Map]':
      return sameSequences((a as Map<unknown, unknown>).size, (b as Map<unknown, unknown>).size, a as Map<unknown, unknown>, b as Map<unknown, unknown>, depth);
    case '[object Set]':
      return sameSequences((a as Set<unknown>).size, (b as Set<unknown>).size, a as Set<unknown>, b as Set<unknown>, depth);
    default:
      return false;
  }
}

function sameArrays(a: unknown[], b: unknown[], depth: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameAt(a[i], b[i], depth + 1)) return false;
  // Neither has holes or properties besides its elements.
  return Object.keys(a).length === a.length && Object.keys(b).length === b.length;
}

function sameObjects(a: object, b: object, depth: number): boolean {
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== otherKeys[i] || !sameAt((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** Maps (entries as [key, value] pairs) or Sets, item by item in their order. */
function sameSequences(sizeA: number, sizeB: number, a: Iterable<unknown>, b: Iterable<unknown>, depth: number): boolean {
  if (sizeA !== sizeB) return false;
  const other = b[Symbol.iterator]();
  for (const item of a) if (!sameAt(item, other.next().value, depth + 1)) return false;
  return true;
}
