import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../lib/index.js';
import { makeTempDir } from '../support/temp-dir.js';

/** More keys than one native Map of a bucket holds before its keys are spread over several (32,768). */
const KEYS = 50_000;

type Key = string | { tenant: string; id: number };

const keyOf = (i: number): Key => (i % 2 === 0 ? `item:${i}` : { tenant: `t${i % 7}`, id: i });

describe('a bucket past the size where its keys spread', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  /** Boots an app with one store of string and object keys over `file`; `load` answers the key's number. */
  async function boot(file: string, settings: Record<string, unknown> = {}) {
    @CacheWorker({ bucket: 'large', refreshInterval: 0, file, ...settings })
    class LargeStore extends CacheWorkerStore<Key, number> {
      loads = 0;
      load(key: Key): LoadResult<number> {
        this.loads++;
        return { ok: true, value: typeof key === 'string' ? Number(key.slice(5)) : key.id };
      }
    }
    @Module({ imports: [CacheWorkerModule.forRoot(), CacheWorkerModule.forFeature([LargeStore])] })
    class AppModule {}
    const app = (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication();
    await app.init();
    return { app, store: app.get(LargeStore) };
  }

  it('serves, lists, deletes, dumps and restarts warm with every key', async () => {
    const file = join(dir, 'large.dump');
    const first = await boot(file);
    let failed = 0;
    for (let i = 0; i < KEYS; i++) if (!(await first.store.fetch(keyOf(i))).ok) failed++;
    expect(failed).toBe(0);
    for (let i = 0; i < KEYS; i += 10) first.store.delete(keyOf(i));
    first.store.set(keyOf(1), -1);
    const expected = KEYS - KEYS / 10;
    expect(first.store.size).toBe(expected);
    expect(first.store.keys()).toHaveLength(expected);
    expect(new Set(first.store.keys().map((key) => JSON.stringify(key))).size).toBe(expected);
    await first.app.close();

    const second = await boot(file);
    expect(second.store.stats().startedFrom).toBe('dump');
    expect(second.store.size).toBe(expected);
    const wrong: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      const want = i % 10 === 0 ? undefined : i === 1 ? -1 : i;
      // A fresh object each time: object keys compare by value.
      const key = keyOf(i);
      if (second.store.peek(typeof key === 'string' ? key : { ...key }) !== want) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(second.store.loads).toBe(0);
    await second.app.close();
  });

  it('a bounded bucket of that size stays within its bound, and so does its restart', async () => {
    const file = join(dir, 'bounded.dump');
    const bound = 40_000;
    const first = await boot(file, { maxEntries: bound });
    for (let i = 0; i < KEYS; i++) await first.store.fetch(keyOf(i));
    expect(first.store.size).toBe(bound);
    expect(first.store.stats().evictions).toBe(KEYS - bound);
    const resident = first.store.keys();
    expect(resident).toHaveLength(bound);
    await first.app.close();

    const second = await boot(file, { maxEntries: bound / 2 });
    expect(second.store.size).toBe(bound / 2);
    // What the restart keeps was resident before it.
    const before = new Set(resident.map((key) => JSON.stringify(key)));
    expect(second.store.keys().filter((key) => !before.has(JSON.stringify(key)))).toEqual([]);
    await second.app.close();
  });
});
