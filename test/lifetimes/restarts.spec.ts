import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDumpFile } from '../../lib/store/persistence/dump-file.js';
import { legacyDump } from '../support/legacy-dump.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sleep, waitFor } from '../support/wait-for.js';
import { appsOfSpec, lifetimeStore } from './support/lifetime-store.js';

describe('lifetimes across restarts and shutdown', () => {
  const apps = appsOfSpec();
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => (temp = await makeTempDir()));
  afterEach(() => apps.closeAll());
  afterAll(() => temp.remove());

  it("a restart from the dump keeps each entry's storedAt and own maxAge, so ages go on where they were", async () => {
    const file = join(temp.dir, 'ages.dump');
    const options = { bucket: 'ages', file, maxAge: 60_000 };
    const first = await apps.start(lifetimeStore(options));
    await first.store.fetch('a');
    // Long enough to outlast a close and a start on a loaded machine, so the entry is still there to inspect.
    first.store.set('short', 'mine', { maxAge: 3_000 });
    const a = first.store.inspect('a')!;
    const short = first.store.inspect('short')!;
    await first.app.close();
    expect((await readDumpFile(file, 'ages')).ages).not.toBeNull();

    await sleep(20);
    const second = await apps.start(lifetimeStore(options));
    expect(second.store.stats().startedFrom).toBe('dump');
    expect(second.store.inspect('a')).toMatchObject({ value: 'v1-a', storedAt: a.storedAt, expiresAt: a.expiresAt });
    expect(second.store.inspect('short')).toMatchObject({ value: 'mine', storedAt: short.storedAt, expiresAt: short.storedAt! + 3_000 });
    await waitFor(() => second.store.size === 1, 'the short entry to expire on time');
    expect(Date.now()).toBeGreaterThanOrEqual(short.storedAt! + 3_000);
  });

  it('an entry already past its age is not loaded from a dump', async () => {
    const file = join(temp.dir, 'past.dump');
    const Store = lifetimeStore({ bucket: 'past', file, maxAge: 150 });
    const first = await apps.start(Store);
    await first.store.fetchMany(['a', 'b']);
    first.store.set('kept', 'mine', { maxAge: 60_000 });
    await first.app.close();
    await sleep(200);
    const second = await apps.start(Store);
    expect(second.store.keys()).toEqual(['kept']);
    expect(second.store.size).toBe(1);
  });

  it('a bounded bucket restarted from its dump keeps ages too, and leaves out what is past its age', async () => {
    const file = join(temp.dir, 'bounded.dump');
    const Store = lifetimeStore({ bucket: 'bounded-ages', file, maxAge: 150, maxEntries: 10 });
    const first = await apps.start(Store);
    await first.store.fetch('old');
    await sleep(200);
    first.store.set('young', 'y', { maxAge: 60_000 });
    const young = first.store.inspect('young')!;
    await first.app.close();
    const second = await apps.start(Store);
    expect(second.store.keys()).toEqual(['young']);
    expect(second.store.inspect('young')).toMatchObject({ storedAt: young.storedAt, expiresAt: young.expiresAt });
  });

  it('a dump of format 2 still reads: its entries count as stored at the dump time', async () => {
    const oldFile = join(temp.dir, 'old-format.dump');
    await writeFile(oldFile, legacyDump('old-format', [['a', 'from v2']], 2, Date.now() - 10_000));
    const old = await apps.start(lifetimeStore({ bucket: 'old-format', file: oldFile, maxAge: 5_000 }));
    expect(old.store.stats().startedFrom).toBe('dump');
    expect(old.store.size).toBe(0); // written 10 s ago: past a 5 s maxAge

    const recentFile = join(temp.dir, 'recent-format.dump');
    const createdAt = Date.now() - 1_000;
    await writeFile(recentFile, legacyDump('recent-format', [['a', 'from v2']], 2, createdAt));
    const recent = await apps.start(lifetimeStore({ bucket: 'recent-format', file: recentFile, maxAge: 5_000 }));
    expect(recent.store.inspect('a')).toMatchObject({ value: 'from v2', storedAt: createdAt, expiresAt: createdAt + 5_000 });
  });

  it('a bucket without lifetimes writes no ages and reads its dump as before', async () => {
    const file = join(temp.dir, 'plain.dump');
    const Store = lifetimeStore({ bucket: 'plain', file });
    const first = await apps.start(Store);
    await first.store.fetch('a');
    await first.app.close();
    expect((await readDumpFile(file, 'plain')).ages).toBeNull();
    const second = await apps.start(Store);
    expect(second.store.inspect('a')).toMatchObject({ value: 'v1-a', storedAt: null });
  });

  it('shutdown stops the sweep: the closed app removes nothing more', async () => {
    const { app, store } = await apps.start(lifetimeStore({ bucket: 'closing', maxAge: 100 }));
    await store.fetch('a');
    await app.close();
    await sleep(800);
    expect(store.stats().expirations).toBe(0);
  });
});
