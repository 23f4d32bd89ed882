import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { sleep, waitFor, deferred } from '../support/wait-for.js';
import { BulkSource, bootBulkApp, valueOf } from './support/bulk-source.js';

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function boot(options: Parameters<typeof bootBulkApp>[0], respond: BulkSource['respond']) {
  const source = new BulkSource();
  source.respond = respond;
  const booted = await bootBulkApp(options, source);
  apps.push(booted.app);
  return { ...booted, source };
}

const okValue = (key: string) => ({ ok: true, value: valueOf(key) });
/** What a read that loaded `key` gets. */
const loadedValue = (key: string) => ({ ...okValue(key), loaded: true });
const warnings = (logger: { at(level: 'warn', text?: string): unknown[] }, text: string) => logger.at('warn', text).length;

describe('hostile loadMany results', () => {
  it('partial: the keys left without a result fail with an error naming them, logged once for the batch', async () => {
    const { store, logger } = await boot({ bucket: 'partial' }, (keys) => new Map([[keys[0]!, okValue(keys[0]!)]]));
    expect(await store.fetchMany(['a', 'b', 'c'])).toEqual([
      loadedValue('a'),
      { ok: false, error: 'loadMany gave no result for "b"' },
      { ok: false, error: 'loadMany gave no result for "c"' },
    ]);
    expect(store.keys()).toEqual(['a']);
    expect(logger.at('warn').map((line) => line.message)).toEqual([
      'loadMany: 2 of 3 keys failed ("b": loadMany gave no result for "b"; "c": loadMany gave no result for "c")',
    ]);
    expect(store.stats()).toMatchObject({ loads: 3, loadErrors: 2, batches: 1 });
  });

  it('a short array: the keys past its end fail the same way', async () => {
    const { store } = await boot({ bucket: 'short' }, (keys) => [okValue(keys[0]!)]);
    expect(await store.fetchMany(['a', 'b'])).toEqual([loadedValue('a'), { ok: false, error: 'loadMany gave no result for "b"' }]);
  });

  it('extra keys: results for keys not asked for are ignored, not stored, and logged at debug', async () => {
    const { store, logger } = await boot({ bucket: 'extra-keys' }, (keys) => [
      ...keys.map((key) => [key, okValue(key)] as const),
      ['intruder', okValue('intruder')] as const,
    ]);
    expect(await store.fetchMany(['a'])).toEqual([loadedValue('a')]);
    expect(store.has('intruder')).toBe(false);
    expect(logger.at('debug', 'ignored 1 results for keys not asked for and 0 repeated results')).toHaveLength(1);
    expect(logger.at('warn')).toEqual([]);
  });

  it('duplicates: of repeated results for one key the first counts, and the rest are logged at debug', async () => {
    const { store, logger } = await boot({ bucket: 'duplicates' }, () => [
      ['a', { ok: true, value: 'first' }],
      ['a', { ok: true, value: 'second' }],
      ['b', { ok: false, error: 'no b' }],
      ['b', { ok: true, value: 'late b' }],
    ]);
    expect(await store.fetchMany(['a', 'b'])).toEqual([
      { ok: true, value: 'first', loaded: true },
      { ok: false, error: 'no b' },
    ]);
    expect(store.peek('a')).toBe('first');
    expect(logger.at('debug', 'ignored 0 results for keys not asked for and 2 repeated results')).toHaveLength(1);
  });

  it.each<[string, (keys: string[]) => unknown, RegExp]>([
    ['a number', () => 42, /not a Map, an array of LoadResult/],
    ['undefined', () => undefined, /not a Map, an array of LoadResult/],
    ['a plain object', (keys) => Object.fromEntries(keys.map((key) => [key, okValue(key)])), /not a Map, an array of LoadResult/],
    ['entries that are not pairs', (keys) => new Set(keys), /not a \[key, LoadResult\] pair/],
    [
      'an iterable that throws',
      () => ({
        *[Symbol.iterator]() {
          yield ['a', okValue('a')];
          throw new Error('cursor lost');
        },
      }),
      /cursor lost/,
    ],
  ])('garbage (%s) fails every key of the batch, logged once', async (_name, respond, error) => {
    const { store, logger } = await boot({ bucket: 'garbage' }, respond);
    const results = await store.fetchMany(['a', 'b', 'c']);
    expect(results).toEqual(Array.from({ length: 3 }, () => ({ ok: false, error: expect.stringMatching(error) })));
    expect(store.size).toBe(0);
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]!.message).toMatch(/^loadMany of 3 keys \("a", "b", "c"\) failed: /);
  });

  it('a garbage result for one key fails that key only', async () => {
    const { store } = await boot({ bucket: 'one-bad' }, () => [okValue('a'), 'not a result']);
    expect(await store.fetchMany(['a', 'b'])).toEqual([
      loadedValue('a'),
      { ok: false, error: 'load returned something that is not a LoadResult ({ ok: true, value } or { ok: false, error })' },
    ]);
  });

  it('a throw and a rejection fail every key of the batch with their error, logged once per batch', async () => {
    const { store, logger, source } = await boot({ bucket: 'throws', batchSize: 2 }, () => {
      throw new Error('db down');
    });
    expect(await store.fetchMany(['a', 'b', 'c'])).toEqual(Array.from({ length: 3 }, () => ({ ok: false, error: 'db down' })));
    expect(warnings(logger, 'failed: db down')).toBe(2);

    source.respond = () => Promise.reject(new Error('connection reset'));
    expect(await store.fetchMany(['d'])).toEqual([{ ok: false, error: 'connection reset' }]);
    expect(store.stats()).toMatchObject({ batches: 3, loadErrors: 4 });
  });

  it('a hang is cut at loadTimeout: every key fails, the signal fires, and the batch is logged once', async () => {
    const { store, logger, source } = await boot({ bucket: 'hangs', loadTimeout: 60 }, () => new Promise(() => undefined));
    expect(await store.fetchMany(['a', 'b'])).toEqual([
      { ok: false, error: 'load timed out after 60 ms' },
      { ok: false, error: 'load timed out after 60 ms' },
    ]);
    const { signal } = source.contexts[0]!;
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('load timed out after 60 ms');
    expect(warnings(logger, 'loadMany of 2 keys ("a", "b") failed: load timed out after 60 ms')).toBe(1);
  });

  it('a late answer is dropped: nothing is stored, and the next read asks again', async () => {
    const late = deferred<unknown>();
    const { store, source } = await boot({ bucket: 'late', loadTimeout: 40 }, () => late.promise);
    expect(await store.fetch('a')).toEqual({ ok: false, error: 'load timed out after 40 ms' });
    late.resolve([okValue('a')]);
    await sleep(20);
    expect(store.has('a')).toBe(false);
    source.respond = (keys) => keys.map(okValue);
    expect(await store.fetch('a')).toEqual(loadedValue('a'));
    expect(source.calls).toEqual([['a'], ['a']]);
  });

  it('a key set or deleted while its batch is in flight keeps the write; its readers still get the loaded value', async () => {
    const gate = deferred();
    const { store, source } = await boot({ bucket: 'writes' }, async (keys) => {
      await gate.promise;
      return keys.map(okValue);
    });
    store.set('b', 'old b');
    const reads = store.fetchMany(['a', 'b', 'c'], { reload: true });
    await waitFor(() => source.calls.length === 1, 'the batch to start');
    store.set('a', 'written a');
    store.delete('b');
    gate.resolve();
    expect(await reads).toEqual([loadedValue('a'), loadedValue('b'), loadedValue('c')]);
    expect(store.peek('a')).toBe('written a');
    expect(store.has('b')).toBe(false);
    expect(store.peek('c')).toBe(valueOf('c'));
  });
});
