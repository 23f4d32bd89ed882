import 'reflect-metadata';
import { type CanActivate, type ExecutionContext, Global, Inject, Injectable, Module, type Type } from '@nestjs/common';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../lib/index.js';
import { CacheWorkerBoardModule, type BoardOverview, type CacheWorkerBoardOptions } from '../../lib/board/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { startRedisServer } from '../cluster/support/redis-server.mjs';
import { bootBoardApp, csrfTokenOf, type BoardApp, type Platform } from './support/board-app.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => (temp = await makeTempDir('ncw-board-')));
afterAll(() => temp.remove());

const running: BoardApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map(({ app }) => app.close()));
});

/** A bucket of prices whose source fails for the key "bad". */
function pricesStore(settings: { file?: string | null; redactKeys?: boolean; refreshInterval?: number | null } = {}) {
  @CacheWorker({ bucket: 'prices', refreshInterval: null, dumpDelay: 0, ...settings })
  class PricesStore extends CacheWorkerStore<string, { cents: number }> {
    load(key: string): LoadResult<{ cents: number }> {
      return key === 'bad' ? { ok: false, error: 'no such price' } : { ok: true, value: { cents: key.length * 100 } };
    }
  }
  return PricesStore;
}

@CacheWorker({ bucket: 'rates', refreshInterval: null })
class RatesStore extends CacheWorkerStore<string, number> {
  load(): LoadResult<number> {
    return { ok: true, value: 1.5 };
  }
}

async function boot(
  options: CacheWorkerBoardOptions | null,
  stores: Type[] = [pricesStore(), RatesStore],
  platform: Platform = 'express',
): Promise<BoardApp> {
  const board = await bootBoardApp(
    [CacheWorkerModule.forFeature(stores), ...(options === null ? [] : [CacheWorkerBoardModule.forRoot(options)])],
    platform,
  );
  running.push(board);
  return board;
}

async function overview(board: BoardApp, path = '/cache-worker'): Promise<BoardOverview> {
  const response = await board.http().get(`${path}/api/buckets`).expect(200).expect('Content-Type', /application\/json/);
  return response.body as BoardOverview;
}

const bucketOf = (view: BoardOverview, bucket: string) => view.buckets.find((b) => b.bucket === bucket)!;

/** A guard that lets through requests carrying the header `x-board-key: open sesame`. */
@Injectable()
class KeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['x-board-key'] === 'open sesame';
  }
}

describe('the cache board over HTTP (Express)', () => {
  it('serves nothing unless the app imports it', async () => {
    const board = await boot(null);
    await board.http().get('/cache-worker').expect(404);
    await board.http().get('/cache-worker/api/buckets').expect(404);
  });

  it('serves its page, script and style under the path, with a policy that allows only its own', async () => {
    const board = await boot({});
    const page = await board.http().get('/cache-worker').expect(200).expect('Content-Type', /text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('<script src="/cache-worker/board.js"></script>');
    expect(page.text).toContain('data-read-only="true"');
    expect(page.text).not.toContain('csrf-token');
    const script = await board.http().get('/cache-worker/board.js').expect(200).expect('Content-Type', /text\/javascript/);
    expect(script.text).toContain("fetch(base + path");
    await board.http().get('/cache-worker/board.css').expect(200).expect('Content-Type', /text\/css/);
  });

  it('shows every bucket: entries, hit ratio, loads, load errors, last refresh, dump, cluster role and health', async () => {
    const Prices = pricesStore({ file: join(temp.dir, 'prices-overview.dump') });
    const board = await boot({}, [Prices, RatesStore]);
    const prices = board.app.get(Prices);
    await prices.fetch('a');
    await prices.fetch('a');
    await prices.fetch('bb');
    await prices.fetch('bad');
    await prices.fullRefresh();
    const dumped = await prices.dump();
    expect(dumped.ok).toBe(true);

    const view = await overview(board);
    expect(view).toMatchObject({ readOnly: true, showValues: false, sampleIntervalMs: 10_000 });
    expect(view.buckets.map((b) => b.bucket)).toEqual(['prices', 'rates']);
    const shown = bucketOf(view, 'prices');
    expect(shown).toMatchObject({
      entries: 2,
      hits: 1,
      misses: 3,
      hitRatio: 0.25,
      loadErrors: 1,
      startedFrom: 'empty',
      refresh: { intervalMs: null, lastResult: { refreshed: 2, failed: 0, skipped: 0 }, failures: 0 },
      dump: { file: join(temp.dir, 'prices-overview.dump'), bytes: dumped.ok ? dumped.bytes : -1, lastError: null, errors: 0 },
      clusterRole: 'local',
      health: { status: 'up' },
    });
    expect(shown.loads).toBe(prices.stats().loads);
    expect(Date.parse(shown.refresh.lastAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(shown.dump!.lastWrittenAt!)).toBeGreaterThan(Date.now() - 60_000);
    // Fields of features a bucket doesn't have are left out, not shown as zero.
    expect(shown).not.toHaveProperty('weight');
    expect(shown).not.toHaveProperty('evictions');
    expect(bucketOf(view, 'rates')).toMatchObject({ entries: 0, hitRatio: null, dump: null });
  });

  it('shows the evictions and weight of a bounded bucket', async () => {
    @CacheWorker({ bucket: 'names', refreshInterval: null, maxEntries: 2, maxWeight: 100 })
    class NamesStore extends CacheWorkerStore<string, string> {
      load(key: string): LoadResult<string> {
        return { ok: true, value: key.toUpperCase() };
      }
      override weigh(_key: string, value: string): number {
        return value.length;
      }
    }
    const board = await boot({}, [NamesStore, RatesStore]);
    const names = board.app.get(NamesStore);
    for (const key of ['ab', 'cde', 'fghi']) await names.fetch(key);
    const stats = names.stats();
    expect(stats.evictions).toBeGreaterThan(0);
    const shown = bucketOf(await overview(board), 'names');
    expect(shown).toMatchObject({ entries: stats.size, evictions: stats.evictions, weight: stats.weight });
    expect(bucketOf(await overview(board), 'rates')).not.toHaveProperty('evictions');
  });

  it('shows why a dump failed and why a bucket is down', async () => {
    await writeFile(join(temp.dir, 'not-a-folder'), 'a file where the dump folder should be');
    const Prices = pricesStore({ file: join(temp.dir, 'not-a-folder', 'prices.dump') });
    const board = await boot({}, [Prices]);
    const prices = board.app.get(Prices);
    prices.set('bad', { cents: 1 }); // the source fails for it: every refresh fails
    const dumped = await prices.dump();
    expect(dumped.ok).toBe(false);
    for (let i = 0; i < 3; i++) await prices.fullRefresh();
    const shown = bucketOf(await overview(board), 'prices');
    expect(shown.dump).toMatchObject({ lastWrittenAt: null, errors: 4 }); // each refresh tries a dump too
    expect(shown.dump!.lastError).toContain('ENOTDIR');
    expect(shown.health.status).toBe('down');
    expect(shown.health.reasons).toEqual(['the last 3 refreshes all failed', expect.stringContaining('ENOTDIR')]);
    expect(shown.refresh).toMatchObject({ lastResult: { refreshed: 0, failed: 1, skipped: 0 }, failures: 3 });
  });

  it('charts hit ratio, loads per second and entries from samples taken on a timer', async () => {
    const Prices = pricesStore();
    const board = await boot({ sampleInterval: 1000 }, [Prices]);
    const prices = board.app.get(Prices);
    const history = async () => bucketOf(await overview(board), 'prices').history;
    await waitFor(async () => (await history()).at.length >= 1, 'a first sample');
    await prices.fetch('a');
    await prices.fetch('a');
    await prices.fetch('a');
    await prices.fetch('bb');
    const before = (await history()).at.length;
    await waitFor(async () => (await history()).at.length > before, 'a sample after the reads');
    const { at, hitRatio, loadsPerSecond, entries } = await history();
    expect(hitRatio.length).toBe(at.length);
    expect(at[at.length - 1]).toBeLessThanOrEqual(Date.now());
    // The reads all fell in one interval: 2 hits of 4 reads, 2 loads in about a second.
    const busy = hitRatio.findIndex((ratio) => ratio !== null);
    expect(hitRatio[busy]).toBe(0.5);
    expect(loadsPerSecond[busy]).toBeGreaterThan(1);
    expect(loadsPerSecond[busy]).toBeLessThan(4);
    expect(entries[entries.length - 1]).toBe(2);
    // An interval without reads has no hit ratio rather than a made-up one.
    expect(hitRatio.slice(0, busy).every((ratio) => ratio === null)).toBe(true);
  });

  it("shows an entry's times in a bucket with lifetimes, without the lookup counting as a read", async () => {
    @CacheWorker({ bucket: 'tokens', refreshInterval: null, maxAge: 60_000, expireAfterIdle: 600_000 })
    class TokensStore extends CacheWorkerStore<string, string> {
      load(key: string): LoadResult<string> {
        return { ok: true, value: `token of ${key}` };
      }
    }
    const board = await boot({}, [TokensStore]);
    const tokens = board.app.get(TokensStore);
    const before = Date.now();
    await tokens.fetch('ada');
    const entry = tokens.inspect('ada')!;
    const answer = await board.http().get('/cache-worker/api/buckets/tokens/lookup').query({ key: 'ada' }).expect(200);
    expect(answer.body).toEqual({
      bucket: 'tokens',
      present: true,
      storedAt: new Date(entry.storedAt!).toISOString(),
      lastReadAt: entry.lastReadAt === null ? null : new Date(entry.lastReadAt).toISOString(),
      expiresAt: new Date(entry.expiresAt!).toISOString(),
    });
    expect(Date.parse(answer.body.expiresAt) - Date.parse(answer.body.storedAt)).toBe(60_000);
    expect(entry.storedAt).toBeGreaterThanOrEqual(before);
    expect(tokens.inspect('ada')!.lastReadAt).toBe(entry.lastReadAt); // the lookup read nothing
  });

  it('looks a key up without loading it, and never shows its value by default', async () => {
    const Prices = pricesStore();
    const board = await boot({}, [Prices]);
    const prices = board.app.get(Prices);
    await prices.fetch('a');
    const loads = prices.stats().loads;
    const present = await board.http().get('/cache-worker/api/buckets/prices/lookup').query({ key: 'a' }).expect(200);
    expect(present.body).toEqual({ bucket: 'prices', present: true });
    const absent = await board.http().get('/cache-worker/api/buckets/prices/lookup').query({ key: 'zz' }).expect(200);
    expect(absent.body).toEqual({ bucket: 'prices', present: false });
    expect(prices.has('zz')).toBe(false);
    expect(prices.stats().loads).toBe(loads);
    const asJson = await board.http().get('/cache-worker/api/buckets/prices/lookup').query({ key: '"a"', format: 'json' }).expect(200);
    expect(asJson.body.present).toBe(true);

    const unknown = await board.http().get('/cache-worker/api/buckets/nope/lookup').query({ key: 'a' }).expect(404);
    expect(unknown.body.message).toBe('no bucket "nope"');
    const noKey = await board.http().get('/cache-worker/api/buckets/prices/lookup').expect(400);
    expect(noKey.body.message).toBe('give the key in "key"');
    const badJson = await board.http().get('/cache-worker/api/buckets/prices/lookup').query({ key: '{', format: 'json' }).expect(400);
    expect(badJson.body.message).toMatch(/^the key is not valid JSON: /);
    const badFormat = await board.http().get('/cache-worker/api/buckets/prices/lookup').query({ key: 'a', format: 'xml' }).expect(400);
    expect(badFormat.body.message).toBe('"format" must be "text" or "json", got "xml"');
  });

  it('shows a looked-up value only with showValues', async () => {
    const Prices = pricesStore();
    const board = await boot({ showValues: true }, [Prices]);
    await board.app.get(Prices).fetch('abc');
    const found = await board.http().get('/cache-worker/api/buckets/prices/lookup').query({ key: 'abc' }).expect(200);
    expect(found.body).toEqual({ bucket: 'prices', present: true, value: '{ cents: 300 }' });
    expect((await overview(board)).showValues).toBe(true);
  });

  it('is read-only by default: no action routes, no token', async () => {
    const Prices = pricesStore();
    const board = await boot({}, [Prices]);
    const prices = board.app.get(Prices);
    await prices.fetch('a');
    for (const action of ['refresh', 'dump', 'invalidate', 'clear']) {
      await board.http().post(`/cache-worker/api/buckets/prices/${action}`).send({ key: 'a' }).expect(404);
    }
    expect(prices.size).toBe(1);
    expect(prices.stats().refreshes).toBe(0);
  });

  it('when writable, takes no action without the page’s CSRF token, and none over GET', async () => {
    const Prices = pricesStore();
    const board = await boot({ readOnly: false }, [Prices]);
    const prices = board.app.get(Prices);
    await prices.fetch('a');
    const missing = await board.http().post('/cache-worker/api/buckets/prices/clear').expect(403);
    expect(missing.body.message).toBe('missing or wrong CSRF token (header x-csrf-token): reload the board');
    const token = await csrfTokenOf(board);
    await board.http().post('/cache-worker/api/buckets/prices/refresh').set('x-csrf-token', `${token.slice(1)}x`).expect(403);
    await board.http().get('/cache-worker/api/buckets/prices/clear').set('x-csrf-token', token).expect(404);
    expect(prices.size).toBe(1);
    expect(prices.stats().refreshes).toBe(0);
    expect(board.logger.messages().some((line) => line.startsWith('board:'))).toBe(false);
  });

  it('when writable, refreshes, dumps, invalidates and clears, and logs every action', async () => {
    const Prices = pricesStore({ file: join(temp.dir, 'prices-actions.dump') });
    const board = await boot({ readOnly: false }, [Prices]);
    const prices = board.app.get(Prices);
    await prices.fetch('a');
    await prices.fetch('bb');
    const token = await csrfTokenOf(board);
    const post = (action: string, body?: object) => {
      const call = board.http().post(`/cache-worker/api/buckets/prices/${action}`).set('x-csrf-token', token);
      return (body ? call.send(body) : call).expect(200);
    };

    expect((await post('refresh')).body).toMatchObject({ refreshed: 2, failed: 0, skipped: 0 });
    expect(prices.stats().refreshes).toBe(1);
    expect((await post('dump')).body).toMatchObject({ ok: true, entries: 2 });
    expect((await post('invalidate', { key: 'a' })).body).toEqual({ invalidated: true });
    expect(prices.has('a')).toBe(false);
    expect((await post('invalidate', { key: 'a' })).body).toEqual({ invalidated: false });
    expect((await post('clear')).body).toEqual({ cleared: 1 });
    expect(prices.size).toBe(0);

    const actions = board.logger.at('log').filter((line) => line.context === 'CacheWorkerBoard').map((line) => line.message);
    expect(actions).toEqual([
      expect.stringMatching(/^board: refresh of "prices" asked by \S+: 2 refreshed, 0 failed, 0 skipped in \d+ ms$/),
      expect.stringMatching(/^board: dump of "prices" asked by \S+: dump written: 2 entries, \d+ bytes in /),
      expect.stringMatching(/^board: invalidate "a" in "prices" asked by \S+: dropped$/),
      expect.stringMatching(/^board: invalidate "a" in "prices" asked by \S+: was not cached$/),
      expect.stringMatching(/^board: clear of "prices" asked by \S+: 1 entries removed$/),
    ]);
    const unknown = await board.http().post('/cache-worker/api/buckets/nope/refresh').set('x-csrf-token', token).expect(404);
    expect(unknown.body.message).toBe('no bucket "nope"');
  });

  it('logs an invalidated key hashed when the bucket redacts keys', async () => {
    const Prices = pricesStore({ redactKeys: true });
    const board = await boot({ readOnly: false }, [Prices]);
    await board.app.get(Prices).fetch('alice@example.com');
    const token = await csrfTokenOf(board);
    await board.http().post('/cache-worker/api/buckets/prices/invalidate').set('x-csrf-token', token).send({ key: 'alice@example.com' }).expect(200);
    const line = board.logger.at('log', 'board: invalidate')[0]!.message;
    expect(line).toMatch(/^board: invalidate #[0-9a-f]{12} in "prices"/);
    expect(line).not.toContain('alice');
  });

  it('puts the page, the API and the actions behind the guard', async () => {
    const Prices = pricesStore();
    const board = await boot({ readOnly: false, guard: KeyGuard }, [Prices]);
    await board.app.get(Prices).fetch('a');
    await board.http().get('/cache-worker').expect(403);
    await board.http().get('/cache-worker/api/buckets').expect(403);
    await board.http().get('/cache-worker/api/buckets/prices/lookup').query({ key: 'a' }).expect(403);
    const page = await board.http().get('/cache-worker').set('x-board-key', 'open sesame').expect(200);
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)![1]!;
    await board.http().post('/cache-worker/api/buckets/prices/clear').set('x-csrf-token', token).expect(403);
    expect(board.app.get(Prices).size).toBe(1);
    await board.http().post('/cache-worker/api/buckets/prices/clear').set('x-csrf-token', token).set('x-board-key', 'open sesame').expect(200);
    expect(board.app.get(Prices).size).toBe(0);
  });

  it('creates a guard class with dependencies from a global module', async () => {
    const ALLOWED = Symbol('allowed');
    @Global()
    @Module({ providers: [{ provide: ALLOWED, useValue: 'open sesame' }], exports: [ALLOWED] })
    class AccessModule {}
    @Injectable()
    class InjectedGuard implements CanActivate {
      constructor(@Inject(ALLOWED) private readonly allowed: string) {}
      canActivate(context: ExecutionContext): boolean {
        return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['x-board-key'] === this.allowed;
      }
    }
    const board = await bootBoardApp([AccessModule, CacheWorkerModule.forFeature([pricesStore()]), CacheWorkerBoardModule.forRoot({ guard: InjectedGuard })]);
    running.push(board);
    await board.http().get('/cache-worker/api/buckets').expect(403);
    await board.http().get('/cache-worker/api/buckets').set('x-board-key', 'open sesame').expect(200);
  });

  it('reads a key given as JSON, for buckets whose keys are not strings', async () => {
    @CacheWorker({ bucket: 'squares', refreshInterval: null })
    class SquaresStore extends CacheWorkerStore<number | { n: number }, number> {
      load(key: number | { n: number }): LoadResult<number> {
        const n = typeof key === 'number' ? key : key.n;
        return { ok: true, value: n * n };
      }
    }
    const board = await boot({ showValues: true }, [SquaresStore]);
    await board.app.get(SquaresStore).fetch(12);
    await board.app.get(SquaresStore).fetch({ n: 3 });
    const lookup = (key: string, format: string) => board.http().get('/cache-worker/api/buckets/squares/lookup').query({ key, format }).expect(200);
    expect((await lookup('12', 'json')).body).toEqual({ bucket: 'squares', present: true, value: '144' });
    expect((await lookup('12', 'text')).body).toEqual({ bucket: 'squares', present: false });
    expect((await lookup('{"n":3}', 'json')).body).toEqual({ bucket: 'squares', present: true, value: '9' });
  });

  it('takes a guard instance too', async () => {
    const board = await boot({ guard: { canActivate: () => false } });
    await board.http().get('/cache-worker/api/buckets').expect(403);
  });

  it('is served under its own path, and its page links work under a global prefix', async () => {
    const board = await bootBoardApp([CacheWorkerModule.forFeature([pricesStore()]), CacheWorkerBoardModule.forRoot({ path: '/ops/cache' })], 'express', (app) =>
      app.setGlobalPrefix('api'),
    );
    running.push(board);
    const page = await board.http().get('/api/ops/cache').expect(200);
    expect(page.text).toContain('<script src="/api/ops/cache/board.js"></script>');
    await board.http().get('/api/ops/cache/board.js').expect(200);
    expect((await overview(board, '/api/ops/cache')).buckets.map((b) => b.bucket)).toEqual(['prices']);
    await board.http().get('/cache-worker').expect(404);
  });

  it('shows which instance leads a bucket in cluster mode', async () => {
    const redis = await startRedisServer();
    try {
      const boards: BoardApp[] = [];
      for (let i = 0; i < 2; i++) {
        const board = await bootBoardApp([
          CacheWorkerModule.forRoot({ cluster: { redis: redis.url, namespace: 'board-test' } }),
          CacheWorkerModule.forFeature([pricesStore({ refreshInterval: 200 })]),
          CacheWorkerBoardModule.forRoot({}),
        ]);
        running.push(board);
        boards.push(board);
      }
      const roles = async () => Promise.all(boards.map(async (board) => bucketOf(await overview(board), 'prices').clusterRole));
      await waitFor(async () => (await roles()).sort().join() === 'follower,leader', 'one leader and one follower');
      await Promise.all(running.splice(0).map(({ app }) => app.close()));
    } finally {
      await redis.stop();
    }
  });
});

describe('the cache board under Fastify', () => {
  it('serves the page, the API, key lookups and the actions behind the token and the guard', async () => {
    const Prices = pricesStore();
    const board = await boot({ readOnly: false, guard: KeyGuard }, [Prices], 'fastify');
    const prices = board.app.get(Prices);
    await prices.fetch('a');
    await board.http().get('/cache-worker').expect(403);
    const page = await board.http().get('/cache-worker').set('x-board-key', 'open sesame').expect(200).expect('Content-Type', /text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).toContain('<script src="/cache-worker/board.js"></script>');
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)![1]!;
    const guarded = () => board.http();
    await guarded().get('/cache-worker/board.js').set('x-board-key', 'open sesame').expect(200).expect('Content-Type', /text\/javascript/);
    const view = await guarded().get('/cache-worker/api/buckets').set('x-board-key', 'open sesame').expect(200);
    expect(view.body.buckets[0]).toMatchObject({ bucket: 'prices', entries: 1, misses: 1 });
    const lookup = await guarded().get('/cache-worker/api/buckets/prices/lookup?key=a').set('x-board-key', 'open sesame').expect(200);
    expect(lookup.body).toEqual({ bucket: 'prices', present: true });

    await guarded().post('/cache-worker/api/buckets/prices/refresh').set('x-board-key', 'open sesame').expect(403);
    const refreshed = await guarded()
      .post('/cache-worker/api/buckets/prices/refresh')
      .set('x-board-key', 'open sesame')
      .set('x-csrf-token', token)
      .expect(200);
    expect(refreshed.body).toMatchObject({ refreshed: 1, failed: 0 });
    await guarded()
      .post('/cache-worker/api/buckets/prices/invalidate')
      .set('x-board-key', 'open sesame')
      .set('x-csrf-token', token)
      .send({ key: 'a' })
      .expect(200, { invalidated: true });
    expect(prices.has('a')).toBe(false);
    expect(board.logger.at('log', 'board: invalidate "a" in "prices"')).toHaveLength(1);
  });

  it('is read-only by default there too', async () => {
    const board = await boot({}, [pricesStore()], 'fastify');
    await board.http().post('/cache-worker/api/buckets/prices/clear').expect(404);
    expect((await overview(board)).readOnly).toBe(true);
  });
});
