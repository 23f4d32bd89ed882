/** Nesting beyond this is not checked (and so not written as JSON); it also stops at a cycle. */
const MAX_DEPTH = 64;

/**
 * Whether `JSON.parse(JSON.stringify(value))` gives back exactly `value`: strings, booleans, null,
 * finite numbers other than -0, dense arrays without named properties, and plain objects made of
 * these. Anything else (undefined, NaN, Infinity, -0, BigInt, Date, Map, Set, class instances,
 * objects without a prototype, arrays with holes) is not: JSON would drop it, change it or throw.
 * It may throw (a getter or a proxy can); callers treat that as "not JSON data".
 */
export function isJsonData(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype === Array.prototype && Array.isArray(value)) {
        // A hole or a named property makes the key count differ from the length.
        if (Object.keys(value).length !== value.length) return false;
        for (let i = 0; i < value.length; i++) if (!isJsonData(value[i], depth + 1)) return false;
        return true;
      }
      if (prototype !== Object.prototype) return false;
      const object = value as Record<string, unknown>;
      for (const name in object) if (!isJsonData(object[name], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}
