import { isStructuralKey } from './key-equality.js';

const toStringTag = Object.prototype.toString;
/** Keys nest at most this deep (key equality rejects deeper ones before a key is stored). */
const MAX_DEPTH = 32;

/** The copies this module made: they are the store's own already, and copying one again would only cost. */
const owned = new WeakSet<object>();

/**
 * The store's own copy of an object key, equal to it by value, so that a caller changing its key object
 * afterwards changes nothing in the store: arrays, plain objects and class instances (same prototype, own
 * enumerable properties) are copied and frozen, Maps, Sets and Dates copied, typed arrays sliced; what
 * keys compare by identity (symbols, functions) is kept. A key that is a copy already is returned as it is.
 */
export function ownKey<K>(key: K): K {
  if (!isStructuralKey(key) || owned.has(key)) return key;
  const copy = copyAt(key, 0) as K & object;
  owned.add(copy);
  return copy;
}

function copyAt(value: unknown, depth: number): unknown {
  if (!isStructuralKey(value) || depth > MAX_DEPTH) return value;
  const copy = (item: unknown) => copyAt(item, depth + 1);
  if (Array.isArray(value)) return Object.freeze(value.map(copy));
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): unknown }).slice?.() ?? value;
  const tag = toStringTag.call(value);
  if (tag === '[object Date]') return new Date((value as Date).getTime());
  if (tag === '[object Map]') return new Map([...(value as Map<unknown, unknown>)].map(([k, v]) => [copy(k), copy(v)]));
  if (tag === '[object Set]') return new Set([...(value as Set<unknown>)].map(copy));
  const properties = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const name of Object.keys(value)) properties[name] = copy((value as Record<string, unknown>)[name]);
  return Object.freeze(properties);
}
