import 'reflect-metadata';
import { CacheWorker, CacheWorkerStore, type LoadResult } from '../../lib/index.js';
import { sleep, waitFor } from '../support/wait-for.js';
import { appsOfSpec, lifetimeStore } from './support/lifetime-store.js';

describe('failureBackoff and retryAfter', () => {
  const apps = appsOfSpec();
  afterEach(() => apps.closeAll());

  it('failureBackoff: within it, reads of a key whose load failed get the same failure without calling load', async () => {
    let failing = true;
    const Store = lifetimeStore({ bucket: 'backoff', failureBackoff: 200 }, (key) => (failing ? { ok: false, error: 'down' } : { ok: true, value: key }));
    const { store } = await apps.start(Store);
    expect(await store.fetch('a')).toEqual({ ok: false, error: 'down' });
    failing = false;
    expect(await store.fetch('a')).toEqual({ ok: false, error: 'down' });
    expect(await store.get('a', { default: 'fallback' })).toBe('fallback');
    expect(await store.fetchNoSave('a')).toEqual({ ok: false, error: 'down' });
    expect(await store.fetchMany(['a', 'b'])).toEqual([
      { ok: false, error: 'down' },
      { ok: true, value: 'b', loaded: true },
    ]);
    expect(Store.loads).toEqual(['a', 'b']);
    expect(store.stats().backoffHits).toBe(4);
    await sleep(250);
    expect(await store.fetch('a')).toEqual({ ok: true, value: 'a', loaded: true });
    expect(Store.loads).toEqual(['a', 'b', 'a']);
  });

  it('is off by default: every read of a failing key calls load', async () => {
    const Store = lifetimeStore({ bucket: 'no-backoff' }, () => ({ ok: false, error: 'down' }));
    const { store } = await apps.start(Store);
    for (let i = 0; i < 3; i++) await store.fetch('a');
    expect(Store.loads).toHaveLength(3);
    expect(store.stats().backoffHits).toBe(0);
  });

  it('retryAfter: a "not found" answered from memory for that long (negative caching), overriding failureBackoff', async () => {
    const Store = lifetimeStore({ bucket: 'not-found', failureBackoff: 10_000 }, (key) =>
      key.startsWith('gone') ? { ok: false, error: 'not found', retryAfter: 150 } : { ok: false, error: 'down' },
    );
    const { store } = await apps.start(Store);
    for (let i = 0; i < 5; i++) expect(await store.fetch('gone')).toEqual({ ok: false, error: 'not found' });
    expect(Store.loads).toEqual(['gone']);
    await sleep(200);
    await store.fetch('gone');
    expect(Store.loads).toEqual(['gone', 'gone']);
    expect(store.stats().backoffHits).toBe(4);
  });

  it('retryAfter: 0 remembers nothing, even with a failureBackoff; a bad retryAfter is named in the error', async () => {
    const Store = lifetimeStore({ bucket: 'retry-zero', failureBackoff: 10_000 }, (key) =>
      key === 'bad' ? { ok: false, error: 'down', retryAfter: -1 } : { ok: false, error: 'down', retryAfter: 0 },
    );
    const { store } = await apps.start(Store);
    await store.fetch('zero');
    await store.fetch('zero');
    expect(Store.loads).toEqual(['zero', 'zero']);
    const bad = await store.fetch('bad');
    expect(!bad.ok && bad.error).toContain('down; load returned an invalid retryAfter');
  });

  it('a set, delete or invalidate of the key ends its backoff', async () => {
    const Store = lifetimeStore({ bucket: 'backoff-write', failureBackoff: 10_000 }, () => ({ ok: false, error: 'down' }));
    const { store } = await apps.start(Store);
    await store.fetch('a');
    store.set('a', 'written');
    expect(await store.fetch('a')).toEqual({ ok: true, value: 'written', loaded: false });
    store.invalidate('a');
    await store.fetch('a');
    expect(Store.loads).toEqual(['a', 'a']);
  });

  it('a reload within the backoff of a cached key answers the cached value', async () => {
    let failing = false;
    const Store = lifetimeStore({ bucket: 'backoff-reload', failureBackoff: 10_000 }, (key) => (failing ? { ok: false, error: 'down' } : { ok: true, value: key }));
    const { store } = await apps.start(Store);
    await store.fetch('a');
    failing = true;
    await store.fullRefresh();
    expect(await store.fetch('a', { reload: true })).toEqual({ ok: true, value: 'a', loaded: false });
    expect(Store.loads).toEqual(['a', 'a']);
  });

  it('loadMany may give each key its own retryAfter and maxAge', async () => {
    const batches: string[][] = [];
    @CacheWorker({ bucket: 'batch-ages', refreshInterval: null })
    class BatchStore extends CacheWorkerStore<string, string> {
      load(): LoadResult<string> {
        throw new Error('loadMany only');
      }
      override loadMany(keys: string[]): Map<string, LoadResult<string>> {
        batches.push(keys);
        return new Map(
          keys.map((key): [string, LoadResult<string>] =>
            key.startsWith('missing') ? [key, { ok: false, error: 'not found', retryAfter: 10_000 }] : [key, { ok: true, value: key, maxAge: 100 }],
          ),
        );
      }
    }
    const { store } = await apps.start(BatchStore);
    await store.fetchMany(['missing-1', 'short']);
    expect(await store.fetchMany(['missing-1', 'short'])).toEqual([
      { ok: false, error: 'not found' },
      { ok: true, value: 'short', loaded: false },
    ]);
    expect(batches).toEqual([['missing-1', 'short']]);
    const short = store.inspect('short')!;
    expect(short.expiresAt).toBe(short.storedAt! + 100);
    await waitFor(() => store.size === 0, 'the short entry to expire');
  });
});
