import * as messages from '../../cache-worker.messages.js';
import { ValueKeyedMap } from '../value-keyed-map.js';

/** What one `loadMany` call answered, matched to the keys it was asked for. */
export interface MatchedResults {
  /** The raw result of each key, at the key's index in the batch; `undefined` where none was given. */
  results: unknown[];
  /** Results for keys the batch did not ask for: ignored. */
  unasked: number;
  /** Further results for a key already answered: ignored, the first one counts. */
  repeated: number;
}

/**
 * Matches what `loadMany(keys)` returned to `keys`: a Map or an iterable of `[key, result]` pairs
 * (keys compared by value, as bucket keys are), or an array of results in the order of `keys` (an
 * array whose first element is itself an array is read as pairs: a result is never an array).
 * Throws a TypeError for any other shape, or when reading it throws: the whole batch fails then.
 */
export function matchResults<K>(keys: readonly K[], answer: unknown): MatchedResults {
  if (typeof answer !== 'object' || answer === null) throw new TypeError(messages.loadManyInvalidResult());
  if (Array.isArray(answer) && !Array.isArray(answer[0])) return matchInOrder(keys, answer);
  if (typeof (answer as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(messages.loadManyInvalidResult());
  }
  return matchPairs(keys, answer as Iterable<unknown>);
}

function matchInOrder<K>(keys: readonly K[], answer: readonly unknown[]): MatchedResults {
  const results = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length && i < answer.length; i++) results[i] = answer[i];
  return { results, unasked: Math.max(0, answer.length - keys.length), repeated: 0 };
}

function matchPairs<K>(keys: readonly K[], answer: Iterable<unknown>): MatchedResults {
  const indexOf = new ValueKeyedMap<K, number>();
  for (let i = 0; i < keys.length; i++) if (!indexOf.has(keys[i]!)) indexOf.set(keys[i]!, i);
  const results = new Array<unknown>(keys.length);
  const answered = new Array<boolean>(keys.length).fill(false);
  let unasked = 0;
  let repeated = 0;
  for (const pair of answer) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(messages.loadManyInvalidPair());
    const index = indexOf.get(pair[0] as K);
    if (index === undefined) unasked++;
    else if (answered[index]) repeated++;
    else {
      answered[index] = true;
      results[index] = pair[1];
    }
  }
  return { results, unasked, repeated };
}
