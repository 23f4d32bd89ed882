import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { deferred, sleep, waitFor } from '../support/wait-for.js';
import { BulkSource, bootBulkApp } from './support/bulk-source.js';

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function boot(options: Parameters<typeof bootBulkApp>[0], source = new BulkSource()) {
  const booted = await bootBulkApp(options, source);
  apps.push(booted.app);
  return { ...booted, source };
}

/** A source whose values carry a version the test bumps. */
function versioned() {
  const source = new BulkSource();
  const state = { version: 1 };
  source.respond = async (keys) => keys.map((key) => ({ ok: true, value: `${key}@${state.version}` }));
  return { source, state };
}

const keysFrom = (count: number) => Array.from({ length: count }, (_, i) => `k${String(i).padStart(2, '0')}`);

describe('full refresh in batches', () => {
  it('reloads every cached key in calls of batchSize keys', async () => {
    const { source, state } = versioned();
    const { store } = await boot({ bucket: 'refresh', batchSize: 10, refreshInterval: null }, source);
    for (const key of keysFrom(25)) store.set(key, 'seed');
    state.version = 2;
    expect(await store.fullRefresh()).toMatchObject({ refreshed: 25, failed: 0, skipped: 0 });
    expect(source.calls.map((keys) => keys.length)).toEqual([10, 10, 5]);
    expect(source.keysAsked()).toEqual(keysFrom(25));
    expect(store.peek('k24')).toBe('k24@2');
    expect(store.stats()).toMatchObject({ batches: 3, batchedKeys: 25, lastRefreshResult: { refreshed: 25, failed: 0, skipped: 0 } });
  });

  it('keeps at most refreshConcurrency calls in flight', async () => {
    const source = new BulkSource();
    source.respond = async (keys) => {
      await sleep(15);
      return keys.map((key) => ({ ok: true, value: key }));
    };
    const { store } = await boot({ bucket: 'concurrency', batchSize: 5, refreshConcurrency: 2, refreshInterval: null }, source);
    for (const key of keysFrom(40)) store.set(key, 'seed');
    await store.fullRefresh();
    expect(source.calls).toHaveLength(8);
    expect(source.mostInFlight).toBe(2);
  });

  it('applies refreshFilter, failures and partial answers per key; a failed batch keeps its old values', async () => {
    const source = new BulkSource();
    source.respond = (keys) => {
      if (keys.includes('k04')) throw new Error('shard down');
      return new Map(keys.filter((key) => key !== 'k01').map((key) => [key, { ok: true, value: `${key}@2` }]));
    };
    const { store, logger } = await boot({ bucket: 'verdicts', batchSize: 3, refreshInterval: null }, source);
    for (const key of keysFrom(6)) store.set(key, 'seed');
    const result = await store.fullRefresh();
    // k00..k02: k01 has no result; k03..k05: the whole call threw.
    expect(result).toMatchObject({ refreshed: 2, failed: 4, skipped: 0 });
    expect(store.peek('k00')).toBe('k00@2');
    expect(['k01', 'k03', 'k04', 'k05'].map((key) => store.peek(key))).toEqual(['seed', 'seed', 'seed', 'seed']);
    expect(logger.at('warn', 'refresh: 4 keys failed and kept their old value')).toHaveLength(1);
  });

  it('does not bring back a key deleted while its batch is in flight, nor overwrite one set meanwhile', async () => {
    const gate = deferred();
    const source = new BulkSource();
    source.respond = async (keys) => {
      await gate.promise;
      return keys.map((key) => ({ ok: true, value: `${key}@2` }));
    };
    const { store } = await boot({ bucket: 'writes-during-refresh', refreshInterval: null }, source);
    for (const key of ['a', 'b', 'c']) store.set(key, 'seed');
    const refresh = store.fullRefresh();
    await waitFor(() => source.calls.length === 1, 'the refresh batch to start');
    store.delete('a');
    store.set('b', 'written b');
    gate.resolve();
    expect(await refresh).toMatchObject({ refreshed: 1, skipped: 2 });
    expect(store.has('a')).toBe(false);
    expect(store.peek('b')).toBe('written b');
    expect(store.peek('c')).toBe('c@2');
  });

  it('joins a key already loading instead of asking for it again', async () => {
    const gate = deferred();
    const source = new BulkSource();
    source.respond = async (keys) => {
      if (keys.includes('a')) await gate.promise;
      return keys.map((key) => ({ ok: true, value: `${key}@2` }));
    };
    const { store } = await boot({ bucket: 'joins', refreshInterval: null }, source);
    for (const key of ['a', 'b']) store.set(key, 'seed');
    const reload = store.fetch('a', { reload: true });
    await waitFor(() => source.calls.length === 1, 'the reload to start');
    const refresh = store.fullRefresh();
    await waitFor(() => source.calls.length === 2, 'the refresh batch to start');
    gate.resolve();
    await reload;
    expect(await refresh).toMatchObject({ refreshed: 2 });
    expect(source.calls).toEqual([['a'], ['b']]);
  });

  it('runs refreshFilter on each key of a batch', async () => {
    const { source, state } = versioned();
    const filtered: string[] = [];
    const refreshFilter = (key: string) => {
      filtered.push(key);
      return key !== 'b';
    };
    const booted = await bootBulkApp({ bucket: 'filtered', refreshInterval: null }, source, { refreshFilter });
    apps.push(booted.app);
    const { store } = booted;
    for (const key of ['a', 'b', 'c']) store.set(key, 'seed');
    state.version = 2;
    expect(await store.fullRefresh()).toMatchObject({ refreshed: 2, skipped: 1 });
    expect(filtered).toEqual(['a', 'b', 'c']);
    expect(store.peek('b')).toBe('seed');
    expect(source.calls).toHaveLength(1);
  });
});
