import { matchResults } from '../../lib/store/loading/batch-results.js';

const ok = (value: unknown) => ({ ok: true, value });

describe('matching a loadMany answer to its keys', () => {
  it('reads an array as the results in the order of the keys', () => {
    expect(matchResults(['a', 'b', 'c'], [ok(1), ok(2), ok(3)])).toEqual({
      results: [ok(1), ok(2), ok(3)],
      unasked: 0,
      repeated: 0,
    });
  });

  it('leaves the keys a short array does not reach without a result, and counts the results beyond the keys', () => {
    const short = matchResults(['a', 'b', 'c'], [ok(1)]);
    expect(short.results).toHaveLength(3);
    expect(short.results[1]).toBeUndefined();
    expect(short.results[2]).toBeUndefined();
    expect(matchResults(['a'], [ok(1), ok(2), ok(3)])).toEqual({ results: [ok(1)], unasked: 2, repeated: 0 });
  });

  it('matches a Map by key value, in any order, whatever the key type', () => {
    const keys = [{ id: 1, tenant: 't' }, { id: 2, tenant: 't' }, 3n];
    const answer = new Map<unknown, unknown>([
      [3n, ok('three')],
      [{ tenant: 't', id: 2 }, ok('two')],
      [{ tenant: 't', id: 1 }, ok('one')],
    ]);
    expect(matchResults(keys, answer).results).toEqual([ok('one'), ok('two'), ok('three')]);
  });

  it('reads an array of pairs, and a generator of pairs, as pairs', () => {
    expect(matchResults(['a', 'b'], [['b', ok(2)], ['a', ok(1)]]).results).toEqual([ok(1), ok(2)]);
    function* pairs() {
      yield ['b', ok(2)];
      yield ['a', ok(1)];
    }
    expect(matchResults(['a', 'b'], pairs()).results).toEqual([ok(1), ok(2)]);
  });

  it('ignores results for keys not asked for, and keeps the first of repeated results', () => {
    const answer = [
      ['a', ok('first')],
      ['z', ok('not asked')],
      ['a', ok('second')],
      ['y', ok('not asked either')],
    ];
    expect(matchResults(['a', 'b'], answer)).toEqual({ results: [ok('first'), undefined], unasked: 2, repeated: 1 });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'abc'],
    ['a plain object', { a: ok(1) }],
    ['a lone LoadResult', ok(1)],
  ])('throws for %s, which fails the whole batch', (_name, answer) => {
    expect(() => matchResults(['a'], answer)).toThrow(/loadMany returned something that is not a Map/);
  });

  it('throws for an iterable whose entries are not pairs', () => {
    expect(() => matchResults(['a'], new Set([ok(1)]))).toThrow(/not a \[key, LoadResult\] pair/);
    expect(() => matchResults(['a'], [['a', ok(1), 'third']])).toThrow(/not a \[key, LoadResult\] pair/);
  });

  it('lets a throw while iterating the answer through, so the batch fails with it', () => {
    function* broken() {
      yield ['a', ok(1)];
      throw new Error('cursor closed');
    }
    expect(() => matchResults(['a', 'b'], broken())).toThrow('cursor closed');
  });
});
