import { CacheWorkerKeyError } from '../errors/cache-worker.errors.js';
import { keyTooDeep } from '../cache-worker.messages.js';

/**
 * Structural hashing and equality of keys, so that `{ id: 1 }` and `{ id: 1 }` are one key.
 * Primitives compare by SameValueZero; plain objects by own enumerable properties in any order;
 * arrays by elements in order; Map and Set by entries in any order; Date by time; class instances by
 * class name and own enumerable properties. Unordered collections hash with a commutative sum, so no
 * sorting (and no allocation) is needed per lookup.
 */

const MAX_DEPTH = 32;
const hasOwn = Object.prototype.hasOwnProperty;
const toStringTag = Object.prototype.toString;
const floatView = new Float64Array(1);
const floatWords = new Int32Array(floatView.buffer);

const PLAIN = 'Object';
const DATE = '[object Date]';
const MAP = '[object Map]';
const SET = '[object Set]';

/** `true` for keys that need structural hashing; everything else is used as a Map key directly. */
export function isStructuralKey(key: unknown): key is object {
  return typeof key === 'object' && key !== null;
}

/** A 32-bit structural hash of a key: equal keys (by `keysEqual`) hash alike. */
export function hashKey(key: unknown): number {
  return hashAt(key, 0);
}

/** Equality of keys by value, as documented above. */
export function keysEqual(a: unknown, b: unknown): boolean {
  return equalAt(a, b, 0);
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function hashNumber(n: number): number {
  if (n === 0) return 0x1234567; // 0 and -0 are one key
  if (n !== n) return 0x7ff80000;
  if ((n | 0) === n) return mix(n);
  floatView[0] = n;
  return mix(floatWords[0]! ^ Math.imul(floatWords[1]!, 31));
}

/** What a structured key is: 'Object' (plain), a Date/Map/Set tag, or its class name. */
export function kindOf(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return PLAIN;
  // The tag, not instanceof: values read back from a dump may come from another realm.
  const tag = toStringTag.call(value);
  if (tag === DATE || tag === MAP || tag === SET) return tag;
  const ctor = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name ? ctor.name : PLAIN;
}

/** Whether a structured key is an instance of a class: not a plain object, an array, a Date, a Map or a Set. */
export function isClassInstance(value: object): boolean {
  if (Array.isArray(value)) return false;
  const kind = kindOf(value);
  return kind !== PLAIN && kind !== DATE && kind !== MAP && kind !== SET;
}

function hashAt(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return hashString(value);
    case 'number':
      return hashNumber(value);
    case 'bigint':
      return mix(Number(BigInt.asIntN(32, value)) ^ 0x5bd1e995);
    case 'boolean':
      return value ? 0x2f3a1 : 0x2f3a2;
    case 'undefined':
      return 0x2f3a3;
    case 'object':
      return value === null ? 0x2f3a4 : hashObject(value, depth + 1);
    default:
      return 0x2f3a5; // symbols and functions compare by identity
  }
}

function hashObject(value: object, depth: number): number {
  if (depth > MAX_DEPTH) throw new CacheWorkerKeyError(keyTooDeep(MAX_DEPTH));
  // The usual key, a plain object of this realm, skips the classification below.
  if (Object.getPrototypeOf(value) === Object.prototype) return hashProperties(value as Record<string, unknown>, depth, PLAIN);
  if (Array.isArray(value)) {
    let h = 0x3c6ef372 ^ value.length;
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ hashAt(value[i], depth), 0x01000193);
    return mix(h);
  }
  const kind = kindOf(value);
  if (kind === DATE) return mix(hashNumber((value as Date).getTime()) ^ 0x1b873593);
  if (kind === MAP) {
    let sum = 0;
    for (const [k, v] of value as Map<unknown, unknown>) {
      sum = (sum + mix(Math.imul(hashAt(k, depth), 31) ^ hashAt(v, depth))) | 0;
    }
    return mix(sum ^ 0x68e31da4 ^ (value as Map<unknown, unknown>).size);
  }
  if (kind === SET) {
    let sum = 0;
    for (const v of value as Set<unknown>) sum = (sum + mix(hashAt(v, depth))) | 0;
    return mix(sum ^ 0x7a4b1c2d ^ (value as Set<unknown>).size);
  }
  return hashProperties(value as Record<string, unknown>, depth, kind);
}

function hashProperties(value: Record<string, unknown>, depth: number, kind: string): number {
  let sum = 0;
  let count = 0;
  for (const name in value) {
    if (!hasOwn.call(value, name)) continue;
    count++;
    sum = (sum + mix(hashString(name) ^ Math.imul(hashAt(value[name], depth), 0x9e3779b1))) | 0;
  }
  const h = sum ^ count;
  return mix(kind === PLAIN ? h : h ^ hashString(kind));
}

function equalAt(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a !== a && b !== b; // NaN is NaN under SameValueZero
  }
  if (++depth > MAX_DEPTH) throw new CacheWorkerKeyError(keyTooDeep(MAX_DEPTH));
  const proto: unknown = Object.getPrototypeOf(a);
  if (proto === Object.prototype && Object.getPrototypeOf(b) === proto) {
    return propertiesEqual(a as Record<string, unknown>, b as Record<string, unknown>, depth);
  }
  const isArray = Array.isArray(a);
  if (isArray !== Array.isArray(b)) return false;
  if (isArray) return arraysEqual(a as unknown[], b as unknown[], depth);
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return false;
  if (kind === DATE) return equalAt((a as Date).getTime(), (b as Date).getTime(), depth);
  if (kind === MAP) return mapsEqual(a as Map<unknown, unknown>, b as Map<unknown, unknown>, depth);
  if (kind === SET) return setsEqual(a as Set<unknown>, b as Set<unknown>, depth);
  return propertiesEqual(a as Record<string, unknown>, b as Record<string, unknown>, depth);
}

function arraysEqual(a: unknown[], b: unknown[], depth: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equalAt(a[i], b[i], depth)) return false;
  return true;
}

function propertiesEqual(a: Record<string, unknown>, b: Record<string, unknown>, depth: number): boolean {
  let count = 0;
  for (const name in a) {
    if (!hasOwn.call(a, name)) continue;
    if (!hasOwn.call(b, name) || !equalAt(a[name], b[name], depth)) return false;
    count++;
  }
  for (const name in b) if (hasOwn.call(b, name)) count--;
  return count === 0;
}

function mapsEqual(a: Map<unknown, unknown>, b: Map<unknown, unknown>, depth: number): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    if (!isStructuralKey(key)) {
      if (!b.has(key) || !equalAt(value, b.get(key), depth)) return false;
      continue;
    }
    let found = false;
    for (const [otherKey, otherValue] of b) {
      if (equalAt(key, otherKey, depth) && equalAt(value, otherValue, depth)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function setsEqual(a: Set<unknown>, b: Set<unknown>, depth: number): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) {
    if (!isStructuralKey(item)) {
      if (!b.has(item)) return false;
      continue;
    }
    let found = false;
    for (const other of b) {
      if (equalAt(item, other, depth)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}
