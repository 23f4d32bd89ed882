import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type CacheWorkerOptions, type LoadResult } from '../../lib/index.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { bootApp } from '../support/nest-app.js';
import { waitFor } from '../support/wait-for.js';

/** A store whose `load` says who loaded: `short-…` keys come with their own maxAge, `gone-…` keys are not found. */
function agedStore(options: Partial<CacheWorkerOptions>): Type<CacheWorkerStore<string, string>> & { loads: string[] } {
  const loads: string[] = [];
  @CacheWorker({ bucket: 'aged', refreshInterval: 0, maxAge: 60_000, ...options })
  class AgedStore extends CacheWorkerStore<string, string> {
    static readonly loads = loads;
    load(key: string): LoadResult<string> {
      loads.push(key);
      if (key.startsWith('gone')) return { ok: false, error: `no ${key}`, retryAfter: 60_000 };
      return key.startsWith('short') ? { ok: true, value: key, maxAge: 1_500 } : { ok: true, value: key };
    }
  }
  return AgedStore as never;
}

describe('cluster mode: entry lifetimes', () => {
  let redis: RedisServer;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close().catch(() => undefined);
  });
  afterAll(() => redis?.stop());

  async function instance(namespace: string, options: Partial<CacheWorkerOptions> = {}) {
    const Store = agedStore(options);
    const app = await bootApp([CacheWorkerModule.forRoot({ cluster: { redis: redis.url, namespace } }), CacheWorkerModule.forFeature([Store])]);
    apps.push(app);
    return { store: app.get(Store), loads: Store.loads };
  }

  it("an instance started from the shared snapshot keeps each entry's storedAt and own maxAge", async () => {
    const first = await instance('snapshot-ages');
    await first.store.fetch('long');
    // Long enough to outlast a second instance's start on a loaded machine.
    first.store.set('mine', 'written', { maxAge: 3_000 });
    await first.store.dump(); // shares the snapshot
    const long = first.store.inspect('long')!;
    const mine = first.store.inspect('mine')!;
    const second = await instance('snapshot-ages');
    expect(second.store.stats().startedFrom).toBe('snapshot');
    expect(second.store.inspect('long')).toMatchObject({ storedAt: long.storedAt, expiresAt: long.expiresAt });
    expect(second.store.inspect('mine')).toMatchObject({ storedAt: mine.storedAt, expiresAt: mine.storedAt! + 3_000 });
    await waitFor(() => second.store.size === 1, 'the entry to expire on the other instance at its own time');
    expect(Date.now()).toBeGreaterThanOrEqual(mine.storedAt! + 3_000);
  });

  it('a snapshot applied to a running instance brings the ages of its entries', async () => {
    const first = await instance('applied-ages');
    const second = await instance('applied-ages');
    await second.store.fetch('k');
    await waitFor(() => first.store.has('k'), 'the load to reach the first instance');
    first.store.set('k', 'newer', { maxAge: 5_000 });
    await first.store.dump();
    await waitFor(() => second.store.inspect('k')?.expiresAt === first.store.inspect('k')!.expiresAt, 'the snapshot to bring the age');
    expect(second.store.peek('k')).toBe('newer');
  });

  it('an own maxAge travels with set and with values loaded on a read', async () => {
    const first = await instance('message-ages');
    const second = await instance('message-ages');
    first.store.set('written', 'w', { maxAge: 1_500 });
    await first.store.fetch('short-1');
    await waitFor(() => second.store.has('written') && second.store.has('short-1'), 'the messages');
    for (const key of ['written', 'short-1']) {
      const state = second.store.inspect(key)!;
      expect(state.expiresAt).toBe(state.storedAt! + 1_500);
    }
    await waitFor(() => second.store.size === 0, 'both to expire on the other instance');
    expect(second.loads).toEqual([]);
  });

  it("a failure remembered by one instance (retryAfter, failureBackoff) answers the others' reads without a load", async () => {
    const first = await instance('shared-failures', { failureBackoff: 60_000 });
    const second = await instance('shared-failures', { failureBackoff: 60_000 });
    expect(await first.store.fetch('gone-1')).toEqual({ ok: false, error: 'no gone-1' });
    // Messages of one bucket arrive in order: once a later write is there, so is the failure.
    first.store.set('marker', 'after the failure');
    await waitFor(() => second.store.has('marker'), 'the messages to reach the other instance');
    expect(await second.store.fetch('gone-1')).toEqual({ ok: false, error: 'no gone-1' });
    expect(second.loads).toEqual([]);
    expect(second.store.stats().backoffHits).toBe(1);
  });
});
