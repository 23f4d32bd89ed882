import 'reflect-metadata';
import { CacheWorkerModule } from '../../../lib/index.js';
import { bootApp } from '../../support/nest-app.js';
import { waitFor } from '../../support/wait-for.js';
import { Source, sourceStore } from '../support/source.js';

describe('stale-if-error over the periodic refresh', () => {
  it('keeps and serves every old value while the source is down, counts the failures, and heals when it is back', async () => {
    const source = new Source();
    const Store = sourceStore({ bucket: 'stale', refreshInterval: 40 }, source);
    const app = await bootApp([CacheWorkerModule.forFeature([Store])]);
    const store = app.get(Store);
    const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
    await Promise.all(keys.map((key) => store.fetch(key)));

    source.down = true;
    const refreshesBefore = store.stats().refreshes;
    await waitFor(() => store.stats().refreshes >= refreshesBefore + 3, 'three refreshes while the source is down');
    for (const key of keys) expect(await store.fetch(key)).toEqual({ ok: true, value: `${key}@v1`, loaded: false });
    const down = store.stats();
    expect(down.size).toBe(50);
    expect(down.lastRefreshResult).toEqual({ refreshed: 0, failed: 50, skipped: 0 });
    expect(down.refreshFailures).toBeGreaterThanOrEqual(150);
    expect(down.loadErrors).toBe(down.refreshFailures);

    source.version = 2;
    source.down = false;
    await waitFor(() => keys.every((key) => store.peek(key) === `${key}@v2`), 'every key to heal');
    await waitFor(() => store.stats().lastRefreshResult?.failed === 0, 'a refresh without failures');
    expect(store.stats().lastRefreshResult).toEqual({ refreshed: 50, failed: 0, skipped: 0 });
    await app.close();
  });
});
