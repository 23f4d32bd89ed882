import { EventEmitterModule } from '@nestjs/event-emitter';
import { CacheWorkerConfigError, DEFAULT_SETTINGS } from '../../lib/index.js';
import { bootApp } from '../support/nest-app.js';
import { CacheWorkerModule } from '../../lib/index.js';
import { sleep, waitFor } from '../support/wait-for.js';
import { appsOfSpec, EvictionListener, lifetimeStore } from './support/lifetime-store.js';

describe('maxAge', () => {
  const apps = appsOfSpec();
  afterEach(() => apps.closeAll());

  describe('configuration', () => {
    it('is off by default, as are the other lifetime fields; a bucket without them keeps no ages', async () => {
      expect(DEFAULT_SETTINGS).toMatchObject({ maxAge: null, expireAfterIdle: null, refreshAfter: null, failureBackoff: 0 });
      const { store } = await apps.start(lifetimeStore({ bucket: 'ageless' }));
      await store.fetch('a');
      expect(store.inspect('a')).toEqual({ value: 'v1-a', storedAt: null, lastReadAt: null, expiresAt: null, refreshing: false });
      expect(store.stats()).toMatchObject({ expirations: 0, refreshesOnRead: 0, backoffHits: 0 });
    });

    it.each([
      ['maxAge', 0],
      ['maxAge', -5],
      ['expireAfterIdle', 1.5],
      ['refreshAfter', '100'],
      ['failureBackoff', -1],
      ['failureBackoff', null],
    ])('rejects %s = %p naming the bucket and the field', async (field, value) => {
      const Store = lifetimeStore({ bucket: 'bad-age', [field]: value });
      await expect(bootApp([CacheWorkerModule.forFeature([Store])])).rejects.toThrow(CacheWorkerConfigError);
      await expect(bootApp([CacheWorkerModule.forFeature([Store])])).rejects.toThrow(`cache worker "bad-age": field "${field}"`);
    });
  });

  it('serves a value until its age, then a read loads it again as a miss', async () => {
    const Store = lifetimeStore({ bucket: 'aged', maxAge: 150 });
    const { store } = await apps.start(Store);
    expect(await store.fetch('a')).toEqual({ ok: true, value: 'v1-a', loaded: true });
    expect(await store.fetch('a')).toEqual({ ok: true, value: 'v1-a', loaded: false });
    await sleep(200);
    expect(store.peek('a')).toBeUndefined();
    expect(store.has('a')).toBe(false);
    expect(await store.fetch('a')).toEqual({ ok: true, value: 'v2-a', loaded: true });
    expect(Store.loads).toEqual(['a', 'a']);
    expect(store.stats()).toMatchObject({ hits: 1, misses: 2, expirations: 1 });
  });

  it('reclaims expired entries without a read, within a second of their time, with an evicted event of cause "expired"', async () => {
    EvictionListener.events.length = 0;
    const { store } = await apps.start(lifetimeStore({ bucket: 'swept', maxAge: 100 }), {
      imports: [EventEmitterModule.forRoot()],
      providers: [EvictionListener],
    });
    await store.fetchMany(['a', 'b', 'c']);
    expect(store.size).toBe(3);
    const stored = Date.now();
    await waitFor(() => store.size === 0, 'the sweep');
    expect(Date.now() - stored).toBeLessThan(100 + 1_000 + 250); // a loaded machine gets a little slack
    expect(store.stats().expirations).toBe(3);
    expect(EvictionListener.events.map(({ key, cause, bucket }) => [bucket, key, cause]).sort()).toEqual([
      ['swept', 'a', 'expired'],
      ['swept', 'b', 'expired'],
      ['swept', 'c', 'expired'],
    ]);
  });

  it('a full refresh first removes the entries past their age, and does not reload them', async () => {
    const Store = lifetimeStore({ bucket: 'refresh-sweeps', maxAge: 100 });
    const { store } = await apps.start(Store);
    await store.fetchMany(['a', 'b']);
    store.set('fresh', 'x', { maxAge: 60_000 });
    await sleep(130);
    expect(await store.fullRefresh()).toMatchObject({ refreshed: 1, failed: 0, skipped: 0 });
    expect(Store.loads.sort()).toEqual(['a', 'b', 'fresh']);
    expect(store.size).toBe(1);
    expect(store.stats().expirations).toBe(2);
  });

  it('inspect tells when an entry was stored and read and when it expires, without loading or counting as a read', async () => {
    const { store } = await apps.start(lifetimeStore({ bucket: 'inspected', maxAge: 10_000 }));
    const before = Date.now();
    await store.fetch('a');
    const stored = store.inspect('a')!;
    expect(stored.storedAt).toBeGreaterThanOrEqual(before);
    expect(stored.storedAt).toBeLessThanOrEqual(Date.now());
    expect(stored.expiresAt).toBe(stored.storedAt! + 10_000);
    expect(stored).toMatchObject({ value: 'v1-a', lastReadAt: stored.storedAt, refreshing: false });
    await sleep(20);
    store.peek('a');
    store.has('a');
    expect(store.inspect('a')!.lastReadAt).toBe(stored.lastReadAt);
    await store.fetch('a');
    expect(store.inspect('a')!.lastReadAt).toBeGreaterThan(stored.lastReadAt!);
    expect(store.inspect('missing')).toBeUndefined();
    expect(store.stats()).toMatchObject({ hits: 1, misses: 1, loads: 1 });
  });

  describe('per entry', () => {
    it("a load's maxAge overrides the bucket's for that entry, and not for its extra entries", async () => {
      const Store = lifetimeStore({ bucket: 'own-age', maxAge: 10_000 }, (key) =>
        key === 'token' ? { ok: true, value: 'secret', maxAge: 100, extra: { sibling: 'x' } } : { ok: true, value: key },
      );
      const { store } = await apps.start(Store);
      await store.fetch('token');
      await store.fetch('plain');
      const token = store.inspect('token')!;
      expect(token.expiresAt).toBe(token.storedAt! + 100);
      expect(store.inspect('sibling')!.expiresAt).toBe(store.inspect('sibling')!.storedAt! + 10_000);
      await sleep(150);
      expect(store.peek('token')).toBeUndefined();
      expect(store.keys().sort()).toEqual(['plain', 'sibling']);
      await waitFor(() => store.size === 2, 'the sweep to reclaim the token');
    });

    it('works in a bucket with no lifetime field: ages are kept from the first entry given one', async () => {
      const Store = lifetimeStore({ bucket: 'lazy-ages' }, (key) => (key === 'short' ? { ok: true, value: key, maxAge: 100 } : { ok: true, value: key }));
      const { store } = await apps.start(Store);
      await store.fetch('long');
      expect(store.inspect('long')!.storedAt).toBeNull();
      await store.fetch('short');
      expect(store.inspect('long')).toMatchObject({ expiresAt: null });
      expect(store.inspect('long')!.storedAt).not.toBeNull();
      await waitFor(() => !store.has('short') && store.size === 1, 'the short entry to expire');
      expect(store.keys()).toEqual(['long']);
      expect(store.stats().expirations).toBe(1);
    });

    it('set(key, value, { maxAge }) gives the entry its own age; a bad maxAge throws naming the bucket and the option', async () => {
      const { store } = await apps.start(lifetimeStore({ bucket: 'set-age' }));
      store.set('a', 'mine', { maxAge: 100 });
      store.set('b', 'forever');
      expect(store.inspect('a')!.expiresAt).toBe(store.inspect('a')!.storedAt! + 100);
      for (const bad of [-1, 1.5, Infinity, '100']) {
        expect(() => store.set('c', 'x', { maxAge: bad as number })).toThrow(`cache worker "set-age": option "maxAge"`);
      }
      expect(store.has('c')).toBe(false);
      await sleep(150);
      expect(store.keys()).toEqual(['b']);
    });

    it('a load answering a bad maxAge fails, saying so', async () => {
      const Store = lifetimeStore({ bucket: 'bad-load-age' }, () => ({ ok: true, value: 'x', maxAge: -3 }));
      const { store } = await apps.start(Store);
      const result = await store.fetch('a');
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toContain('load returned an invalid maxAge');
      expect(store.has('a')).toBe(false);
    });
  });

  it('with refreshInterval, bounds how long a value whose refreshes fail is served (stale-if-error)', async () => {
    let failing = false;
    const Store = lifetimeStore({ bucket: 'stale-if-error', maxAge: 400, refreshInterval: 50 }, (key, load) =>
      failing ? { ok: false, error: 'source down' } : { ok: true, value: `v${load}-${key}` },
    );
    const { store } = await apps.start(Store);
    await store.fetch('a');
    await waitFor(() => store.stats().refreshes >= 2, 'two refreshes');
    failing = true;
    const lastGood = store.inspect('a')!.storedAt!;
    await waitFor(() => store.stats().refreshFailures >= 2, 'failed refreshes');
    expect(store.peek('a')).toBeDefined(); // still served: younger than maxAge
    await waitFor(() => !store.has('a'), 'the value to pass its age');
    expect(Date.now() - lastGood).toBeGreaterThanOrEqual(400);
    await waitFor(() => store.size === 0, 'the sweep to reclaim it'); // has() hides it at once, the sweep frees it
    expect(await store.fetch('a')).toEqual({ ok: false, error: 'source down' });
  });

  it('with maxEntries, expired entries leave room: new keys fit without evicting', async () => {
    const { store } = await apps.start(lifetimeStore({ bucket: 'aged-bounded', maxAge: 100, maxEntries: 2 }));
    await store.fetch('a');
    await store.fetch('b');
    await waitFor(() => store.stats().expirations === 2, 'the sweep to remove a and b');
    await store.fetch('c');
    await store.fetch('d');
    expect(store.keys().sort()).toEqual(['c', 'd']);
    expect(store.stats().evictions).toBe(0);
  });
});
