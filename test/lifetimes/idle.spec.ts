import { EventEmitterModule } from '@nestjs/event-emitter';
import { sleep, waitFor } from '../support/wait-for.js';
import { appsOfSpec, EvictionListener, lifetimeStore } from './support/lifetime-store.js';

describe('expireAfterIdle', () => {
  const apps = appsOfSpec();
  afterEach(() => apps.closeAll());

  it('removes an entry no read used for that long, with an evicted event of cause "idle"; reads keep an entry', async () => {
    EvictionListener.events.length = 0;
    const { store } = await apps.start(lifetimeStore({ bucket: 'idle', expireAfterIdle: 200 }), {
      imports: [EventEmitterModule.forRoot()],
      providers: [EvictionListener],
    });
    await store.fetchMany(['read', 'forgotten']);
    const until = Date.now() + 500;
    while (Date.now() < until) {
      expect(await store.get('read')).toBe('v1-read');
      await sleep(40);
    }
    expect(store.has('forgotten')).toBe(false);
    await waitFor(() => store.size === 1, 'the sweep');
    expect(store.keys()).toEqual(['read']);
    expect(store.stats().expirations).toBe(1);
    expect(EvictionListener.events).toEqual([{ bucket: 'idle', key: 'forgotten', cause: 'idle' }]);
  });

  it('peek, has and inspect are no reads: they do not keep an entry', async () => {
    const { store } = await apps.start(lifetimeStore({ bucket: 'idle-peek', expireAfterIdle: 150 }));
    await store.fetch('a');
    const until = Date.now() + 300;
    while (Date.now() < until && store.peek('a') !== undefined) {
      store.has('a');
      store.inspect('a');
      await sleep(20);
    }
    expect(store.peek('a')).toBeUndefined();
    expect(await store.fetch('a')).toEqual({ ok: true, value: 'v2-a', loaded: true });
  });

  it('with refreshInterval, refreshes do not keep an entry: once idle it is no longer reloaded', async () => {
    const Store = lifetimeStore({ bucket: 'idle-refresh', expireAfterIdle: 200, refreshInterval: 40 });
    const { store } = await apps.start(Store);
    await store.fetch('once');
    await waitFor(() => store.size === 0, 'the idle entry to go');
    const loads = Store.loads.length;
    expect(loads).toBeGreaterThan(1); // refreshed while it lived
    const refreshes = store.stats().refreshes;
    await waitFor(() => store.stats().refreshes >= refreshes + 3, 'three more refreshes');
    expect(Store.loads.length).toBe(loads);
  });

  it('with maxAge, whichever comes first removes the entry; inspect tells which time is next', async () => {
    const { store } = await apps.start(lifetimeStore({ bucket: 'idle-and-aged', expireAfterIdle: 5_000, maxAge: 150 }));
    await store.fetch('a');
    const state = store.inspect('a')!;
    expect(state.expiresAt).toBe(state.storedAt! + 150);
    await sleep(200);
    expect(store.has('a')).toBe(false);
  });
});
