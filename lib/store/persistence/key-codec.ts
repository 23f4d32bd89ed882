import { isClassInstance, isStructuralKey, kindOf } from '../key-equality.js';

/**
 * Class-instance keys through a dump. A dump keeps data, not prototypes: `new TenantId('a')` would come
 * back as a plain object and no longer equal the key it was stored under. So a key that holds class
 * instances is written wrapped, with each instance's class name, and read back with each instance as an
 * object of a stand-in class of that name: equal, by value, to the original key (its methods are not
 * restored). Every other key is written and read as it is.
 */

const WRAPPED_KEY = '\u0000nest-cache-worker:key';
const INSTANCE = '\u0000nest-cache-worker:instance';
/** Keys nest at most this deep (key equality enforces it); deeper is left as it is. */
const MAX_DEPTH = 32;
const hasOwn = Object.prototype.hasOwnProperty;
const toStringTag = Object.prototype.toString;
const standIns = new Map<string, new () => object>();

/** The key as a dump stores it. */
export function encodeKey(key: unknown): unknown {
  // A key that merely looks wrapped is wrapped too, so reading it back can't mistake it.
  const wrap = isStructuralKey(key) && (hasOwn.call(key, WRAPPED_KEY) || holdsInstance(key, 0));
  return wrap ? { [WRAPPED_KEY]: mapStructure(key, 0, toTagged) } : key;
}

/** The key a dump stored, as the bucket uses it. */
export function decodeKey(key: unknown): unknown {
  if (!isStructuralKey(key) || !hasOwn.call(key, WRAPPED_KEY)) return key;
  return mapStructure((key as Record<string, unknown>)[WRAPPED_KEY], 0, fromTagged);
}

function holdsInstance(value: object, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (isClassInstance(value)) return true;
  for (const item of childrenOf(value)) if (isStructuralKey(item) && holdsInstance(item, depth + 1)) return true;
  return false;
}

function childrenOf(value: object): Iterable<unknown> {
  if (Array.isArray(value)) return value;
  const tag = toStringTag.call(value);
  if (tag === '[object Map]') return [...(value as Map<unknown, unknown>)].flat();
  if (tag === '[object Set]') return value as Set<unknown>;
  if (tag === '[object Date]') return [];
  return Object.values(value);
}

/** Copies the own enumerable properties of an object, each through the copy of the structure. */
type CopyProperties = (source: object) => Record<string, unknown>;

/**
 * Copies a key's structure (arrays, Maps, Sets; Dates and primitives as they are), letting `object`
 * make the copy of every other object, with `copyProperties` to copy whichever properties it means.
 */
function mapStructure(value: unknown, depth: number, object: (source: object, copyProperties: CopyProperties) => unknown): unknown {
  if (!isStructuralKey(value) || depth > MAX_DEPTH) return value;
  const copy = (item: unknown) => mapStructure(item, depth + 1, object);
  if (Array.isArray(value)) return value.map(copy);
  const tag = toStringTag.call(value);
  if (tag === '[object Date]') return value;
  if (tag === '[object Map]') return new Map([...(value as Map<unknown, unknown>)].map(([k, v]) => [copy(k), copy(v)]));
  if (tag === '[object Set]') return new Set([...(value as Set<unknown>)].map(copy));
  return object(value, (source) => {
    const properties: Record<string, unknown> = {};
    for (const name of Object.keys(source)) properties[name] = copy((source as Record<string, unknown>)[name]);
    return properties;
  });
}

/** An instance becomes `{ [INSTANCE]: className, properties }`; a plain object that looks like one, `{ [INSTANCE]: null, … }`. */
function toTagged(source: object, copyProperties: CopyProperties): unknown {
  const properties = copyProperties(source);
  if (isClassInstance(source)) return { [INSTANCE]: kindOf(source), properties };
  return hasOwn.call(source, INSTANCE) ? { [INSTANCE]: null, properties } : properties;
}

function fromTagged(source: object, copyProperties: CopyProperties): unknown {
  if (!hasOwn.call(source, INSTANCE)) return copyProperties(source);
  const tagged = source as { [INSTANCE]: string | null; properties: object };
  const properties = copyProperties(tagged.properties);
  return tagged[INSTANCE] === null ? properties : Object.assign(new (standIn(tagged[INSTANCE]))(), properties);
}

/** A class of the given name, so the key's kind (its class name) is the original one. */
function standIn(name: string): new () => object {
  let found = standIns.get(name);
  if (found === undefined) {
    found = { [name]: class {} }[name]!;
    standIns.set(name, found);
  }
  return found;
}
