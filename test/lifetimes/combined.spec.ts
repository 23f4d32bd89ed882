import { EventEmitterModule } from '@nestjs/event-emitter';
import { join } from 'node:path';
import { makeTempDir } from '../support/temp-dir.js';
import { sleep, waitFor } from '../support/wait-for.js';
import { appsOfSpec, EvictionListener, lifetimeStore } from './support/lifetime-store.js';

describe('every lifetime field together, with refreshInterval, maxEntries and a dump', () => {
  const apps = appsOfSpec();
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => (temp = await makeTempDir()));
  afterEach(() => apps.closeAll());
  afterAll(() => temp.remove());

  it('a read key is kept and reloaded on read, an unread one idles out, the bound holds, and a restart keeps what lives', async () => {
    EvictionListener.events.length = 0;
    const file = join(temp.dir, 'combined.dump');
    const options = {
      bucket: 'combined',
      file,
      dumpDelay: 0,
      maxEntries: 3,
      maxAge: 5_000,
      expireAfterIdle: 300,
      refreshAfter: 100,
      failureBackoff: 200,
      refreshInterval: 150,
    };
    const Store = lifetimeStore(options, (key, load) => (key === 'broken' ? { ok: false, error: 'down' } : { ok: true, value: `v${load}-${key}` }));
    const { app, store } = await apps.start(Store, { imports: [EventEmitterModule.forRoot()], providers: [EvictionListener] });
    await store.fetchMany(['hot', 'cold']);
    expect(await store.fetch('broken')).toEqual({ ok: false, error: 'down' });
    expect(await store.fetch('broken')).toEqual({ ok: false, error: 'down' });
    expect(Store.loads.filter((key) => key === 'broken')).toHaveLength(1);
    const until = Date.now() + 700;
    while (Date.now() < until) {
      expect((await store.fetch('hot')).ok).toBe(true);
      await sleep(30);
    }
    await waitFor(() => !store.has('cold'), 'cold to idle out');
    expect(store.keys()).toEqual(['hot']);
    expect(store.peek('hot')).not.toBe('v1-hot'); // reloaded by refreshes and reads
    expect(store.stats().refreshesOnRead + store.stats().refreshes).toBeGreaterThan(0);
    expect(EvictionListener.events).toContainEqual({ bucket: 'combined', key: 'cold', cause: 'idle' });
    for (const key of ['a', 'b', 'c', 'd']) await store.fetch(key);
    expect(store.size).toBeLessThanOrEqual(3);
    await app.close();
    // What the final dump held (the last refresh, drained by the close, may have stored new ages).
    const atClose = new Map(store.keys().map((key) => [key, store.inspect(key)!.storedAt]));

    const second = await apps.start(Store);
    expect(second.store.stats().startedFrom).toBe('dump');
    expect(new Map(second.store.keys().map((key) => [key, second.store.inspect(key)!.storedAt]))).toEqual(atClose);
    expect(second.store.keys()).not.toContain('cold');
  });
});
