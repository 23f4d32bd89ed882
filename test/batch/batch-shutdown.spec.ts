import 'reflect-metadata';
import { waitFor } from '../support/wait-for.js';
import { BulkSource, bootBulkApp } from './support/bulk-source.js';

const ABORTED = { ok: false, error: 'load aborted: the application is shutting down' };

describe('batches during shutdown', () => {
  it('aborts a batch in flight: its signal fires and every key of it fails at once', async () => {
    const source = new BulkSource();
    source.respond = (_keys, { signal }) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    const { app, store } = await bootBulkApp({ bucket: 'abort-batch', loadTimeout: 0 }, source);
    const reads = store.fetchMany(['a', 'b']);
    await waitFor(() => source.calls.length === 1, 'the batch to start');
    await app.close();
    expect(await reads).toEqual([ABORTED, ABORTED]);
    expect(source.contexts[0]!.signal.aborted).toBe(true);
  });

  it('does not wait past shutdownTimeout for a batch that ignores its signal', async () => {
    const source = new BulkSource();
    source.respond = () => new Promise(() => undefined);
    const { app, store, logger } = await bootBulkApp({ bucket: 'stuck-batch', loadTimeout: 0, shutdownTimeout: 100 }, source);
    const reads = store.fetchMany(['a', 'b', 'c']);
    await waitFor(() => source.calls.length === 1, 'the batch to start');
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await reads).toEqual([ABORTED, ABORTED, ABORTED]);
    expect(logger.at('warn', 'loads ignored their abort signal for 100 ms')).toHaveLength(1);
  });

  it('fails the misses still waiting for their batch without calling loadMany, and refuses new ones', async () => {
    const source = new BulkSource();
    const { app, store } = await bootBulkApp({ bucket: 'waiting', batchDelay: 60_000 }, source);
    const waiting = store.fetchMany(['a', 'b']);
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await waiting).toEqual([ABORTED, ABORTED]);
    expect(await store.fetch('c')).toEqual(ABORTED);
    expect(source.calls).toEqual([]);
  });

  it('drains a refresh in batches: the batch in flight is aborted, no further batch starts', async () => {
    const source = new BulkSource();
    source.respond = (_keys, { signal }) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    const { app, store } = await bootBulkApp({ bucket: 'refresh-at-close', batchSize: 2, refreshConcurrency: 1, refreshInterval: null }, source);
    for (const key of ['a', 'b', 'c', 'd', 'e']) store.set(key, 'seed');
    const refresh = store.fullRefresh();
    await waitFor(() => source.calls.length === 1, 'the first refresh batch to start');
    await app.close();
    expect(await refresh).toMatchObject({ refreshed: 0, failed: 2 });
    expect(source.calls).toEqual([['a', 'b']]);
    expect(store.peek('a')).toBe('seed');
  });
});
