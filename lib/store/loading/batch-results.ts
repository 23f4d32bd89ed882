import * as messages from '../../cache-worker.messages.js';
import { describeError } from '../../utils/describe.js';
import { ValueKeyedMap } from '../value-keyed-map.js';
import { readLoadResult, type LoadOutcome } from './load-result.js';

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

/** What one `loadMany` call gave each of its keys. */
export interface BatchOutcomes<V> {
  /** The outcome of each key, at the key's index in the batch. */
  outcomes: LoadOutcome<V>[];
  /** How many outcomes are failures. */
  failed: number;
  /** Why the whole call failed, or null when it answered something readable. */
  error: string | null;
  unasked: number;
  repeated: number;
}

/**
 * The outcome of every key of a batch: from the call's `failure` (a throw, a rejection, a timeout, an
 * abort) or from its `answer`. A key without a result fails naming it; an unreadable answer fails them all.
 */
export function batchOutcomes<K, V>(
  keys: readonly K[],
  failure: string | null,
  answer: unknown,
  keyText: (key: K) => string,
): BatchOutcomes<V> {
  let error = failure;
  let matched: MatchedResults | null = null;
  if (error === null) {
    try {
      matched = matchResults(keys, answer);
    } catch (thrown) {
      error = describeError(thrown);
    }
  }
  if (matched === null) {
    const failed: LoadOutcome<V> = { ok: false, error: error! };
    return { outcomes: keys.map(() => failed), failed: keys.length, error, unasked: 0, repeated: 0 };
  }
  let failed = 0;
  const outcomes = new Array<LoadOutcome<V>>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const result = matched.results[i];
    const outcome: LoadOutcome<V> =
      result === undefined ? { ok: false, error: messages.loadManyNoResult(keyText(keys[i]!)) } : readLoadResult<V>(result);
    if (!outcome.ok) failed++;
    outcomes[i] = outcome;
  }
  return { outcomes, failed, error: null, unasked: matched.unasked, repeated: matched.repeated };
}
