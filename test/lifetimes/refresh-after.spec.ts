import { deferred, sleep, waitFor } from '../support/wait-for.js';
import { appsOfSpec, lifetimeStore } from './support/lifetime-store.js';

describe('refreshAfter', () => {
  const apps = appsOfSpec();
  afterEach(() => apps.closeAll());

  it('a read of an older entry answers at once and reloads it in the background, once however many read it', async () => {
    const gate = deferred();
    let gated = false;
    const Store = lifetimeStore({ bucket: 'refresh-after', refreshAfter: 100 }, async (key, load) => {
      if (gated) await gate.promise;
      return { ok: true, value: `v${load}-${key}` };
    });
    const { store } = await apps.start(Store);
    await store.fetch('a');
    await store.fetch('a');
    expect(Store.loads).toEqual(['a']); // young: no reload
    await sleep(150);
    gated = true;
    const reads = await Promise.all(Array.from({ length: 10 }, () => store.fetch('a')));
    expect(reads.every((read) => read.ok && read.value === 'v1-a')).toBe(true);
    expect(store.inspect('a')!.refreshing).toBe(true);
    expect(Store.loads).toEqual(['a', 'a']);
    gate.resolve();
    await waitFor(() => store.peek('a') === 'v2-a', 'the background reload');
    expect(store.inspect('a')!.refreshing).toBe(false);
    expect(store.stats()).toMatchObject({ refreshesOnRead: 1, hits: 11, misses: 1 });
  });

  it('a failed reload keeps the old value, until maxAge', async () => {
    let failing = false;
    const Store = lifetimeStore({ bucket: 'refresh-after-fails', refreshAfter: 50, maxAge: 400 }, (key, load) =>
      failing ? { ok: false, error: 'down' } : { ok: true, value: `v${load}-${key}` },
    );
    const { store } = await apps.start(Store);
    await store.fetch('a');
    failing = true;
    await sleep(80);
    expect(await store.get('a')).toBe('v1-a');
    await waitFor(() => store.stats().loadErrors === 1, 'the failed reload');
    expect(await store.get('a')).toBe('v1-a');
    await waitFor(async () => (await store.fetch('a')).ok === false, 'maxAge to end the stale value', 2_000);
    expect(store.stats().refreshesOnRead).toBeGreaterThanOrEqual(2);
  });

  it('with failureBackoff, a failed reload is not retried by reads within it', async () => {
    let failing = false;
    const Store = lifetimeStore({ bucket: 'refresh-after-backoff', refreshAfter: 50, failureBackoff: 10_000 }, (key, load) =>
      failing ? { ok: false, error: 'down' } : { ok: true, value: `v${load}-${key}` },
    );
    const { store } = await apps.start(Store);
    await store.fetch('a');
    failing = true;
    await sleep(80);
    await store.fetch('a');
    await waitFor(() => store.stats().loadErrors === 1, 'the failed reload');
    for (let i = 0; i < 5; i++) expect(await store.get('a')).toBe('v1-a');
    expect(Store.loads).toEqual(['a', 'a']);
    expect(store.stats()).toMatchObject({ refreshesOnRead: 1, backoffHits: 5 });
  });
});
