import { join } from 'node:path';
import { startEngine } from '../support/engine.js';
import { makeTempDir } from '../support/temp-dir.js';
import { deferred, waitFor } from '../support/wait-for.js';

/** A source whose values carry a version that the test bumps. */
function versionedSource() {
  const source = { version: 1, calls: [] as string[], failing: new Set<string>() };
  const load = async (key: string) => {
    source.calls.push(key);
    if (source.failing.has(key)) return { ok: false as const, error: `no ${key} today` };
    return { ok: true as const, value: `${key}@${source.version}` };
  };
  return { source, load };
}

describe('full refresh', () => {
  it('reloads every key, stores the new values and records stats', async () => {
    const { source, load } = versionedSource();
    const { engine, logger } = await startEngine<string, string>({ load });
    await engine.fetch('a');
    await engine.fetch('b');
    source.version = 2;
    source.calls.length = 0;

    const result = await engine.fullRefresh();
    expect(result).toEqual({ refreshed: 2, failed: 0, skipped: 0, durationMs: expect.any(Number) });
    expect(source.calls.sort()).toEqual(['a', 'b']);
    expect(engine.peek('a')).toBe('a@2');
    expect(engine.peek('b')).toBe('b@2');
    const stats = engine.stats();
    expect(stats).toMatchObject({ refreshes: 1, refreshFailures: 0, lastRefreshResult: { refreshed: 2, failed: 0, skipped: 0 } });
    expect(Object.prototype.toString.call(stats.lastRefreshAt)).toBe('[object Date]');
    expect(stats.lastRefreshDurationMs).toBe(result.durationMs);
    expect(logger.at('log', 'refresh: 2 refreshed, 0 failed, 0 skipped')).toHaveLength(1);
    await engine.close();
  });

  it('a key whose load fails keeps its old value and the others refresh', async () => {
    const { source, load } = versionedSource();
    const { engine, logger } = await startEngine<string, string>({ load });
    for (const key of ['a', 'b', 'c']) await engine.fetch(key);
    source.version = 2;
    source.failing.add('b');

    expect(await engine.fullRefresh()).toMatchObject({ refreshed: 2, failed: 1, skipped: 0 });
    expect([engine.peek('a'), engine.peek('b'), engine.peek('c')]).toEqual(['a@2', 'b@1', 'c@2']);
    expect(engine.stats().refreshFailures).toBe(1);
    expect(logger.at('warn', 'refresh: 1 keys failed')[0]!.message).toContain('"b": no b today');
    await engine.close();
  });

  it('refreshFilter is given key, new and old value; false keeps the old value and counts as skipped', async () => {
    const { source, load } = versionedSource();
    const seen: unknown[] = [];
    const { engine } = await startEngine<string, string>({
      load,
      refreshFilter: (key, newValue, oldValue) => (seen.push([key, newValue, oldValue]), key !== 'frozen'),
    });
    await engine.fetch('frozen');
    await engine.fetch('live');
    source.version = 2;

    expect(await engine.fullRefresh()).toMatchObject({ refreshed: 1, failed: 0, skipped: 1 });
    expect(engine.peek('frozen')).toBe('frozen@1');
    expect(engine.peek('live')).toBe('live@2');
    expect(seen).toEqual(expect.arrayContaining([['frozen', 'frozen@2', 'frozen@1'], ['live', 'live@2', 'live@1']]));
    await engine.close();
  });

  it('a refreshFilter that throws keeps the old value, counts as failed, is logged, and the refresh goes on', async () => {
    const { source, load } = versionedSource();
    const { engine, logger } = await startEngine<string, string>({
      load,
      refreshFilter: (key) => {
        if (key === 'cursed') throw new Error('filter bug');
        return true;
      },
    });
    for (const key of ['before', 'cursed', 'after']) await engine.fetch(key);
    source.version = 2;

    expect(await engine.fullRefresh()).toMatchObject({ refreshed: 2, failed: 1, skipped: 0 });
    expect([engine.peek('before'), engine.peek('cursed'), engine.peek('after')]).toEqual(['before@2', 'cursed@1', 'after@2']);
    expect(logger.at('warn', 'refreshFilter("cursed") threw: filter bug')).toHaveLength(1);

    source.version = 3;
    expect(await engine.fullRefresh()).toMatchObject({ refreshed: 2, failed: 1 });
    expect(engine.peek('after')).toBe('after@3');
    await engine.close();
  });

  it('an async refreshFilter is awaited: false keeps the old value, a rejection is caught like a throw', async () => {
    const { source, load } = versionedSource();
    const { engine, logger } = await startEngine<string, string>({
      load,
      refreshFilter: async (key: string) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (key === 'cursed') throw new Error('async filter bug');
        return key !== 'frozen';
      },
    });
    for (const key of ['frozen', 'cursed', 'live']) await engine.fetch(key);
    source.version = 2;

    expect(await engine.fullRefresh()).toMatchObject({ refreshed: 1, failed: 1, skipped: 1 });
    expect([engine.peek('frozen'), engine.peek('cursed'), engine.peek('live')]).toEqual(['frozen@1', 'cursed@1', 'live@2']);
    expect(logger.at('warn', 'refreshFilter("cursed") threw: async filter bug')).toHaveLength(1);
    await engine.close();
  });

  it('runs at most refreshConcurrency loads at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const { engine } = await startEngine<number, number>(
      {
        load: async (key) => {
          most = Math.max(most, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 2));
          inFlight--;
          return { ok: true, value: key };
        },
      },
      { refreshConcurrency: 3 },
    );
    for (let key = 0; key < 30; key++) engine.set(key, -1);

    expect(await engine.fullRefresh()).toMatchObject({ refreshed: 30 });
    expect(most).toBe(3);
    expect(engine.peek(29)).toBe(29);
    await engine.close();
  });

  it('never overlaps: a tick during a running refresh is skipped and counted; fullRefresh joins it', async () => {
    const gate = deferred();
    let loads = 0;
    const { engine, logger } = await startEngine<string, string>({
      load: async (key) => {
        loads++;
        await gate.promise;
        return { ok: true, value: `${key} refreshed` };
      },
    });
    engine.set('a', 'old');

    const running = engine.fullRefresh();
    await waitFor(() => loads === 1, 'the refresh to start loading');
    engine.refreshTick();
    engine.refreshTick();
    const joined = engine.fullRefresh();
    expect(joined).toBe(running);
    gate.resolve();

    expect(await joined).toMatchObject({ refreshed: 1 });
    expect(loads).toBe(1);
    expect(engine.stats()).toMatchObject({ refreshes: 1, refreshesSkipped: 2 });
    expect(logger.at('debug', 'refresh tick skipped')).toHaveLength(2);

    engine.refreshTick();
    await waitFor(() => engine.stats().refreshes === 2, 'the next tick to refresh');
    await engine.close();
  });

  it('does not bring back a key deleted while the refresh ran', async () => {
    const gate = deferred();
    let started = 0;
    const { engine } = await startEngine<string, string>({
      load: async (key) => {
        started++;
        await gate.promise;
        return { ok: true, value: `${key} new` };
      },
    });
    engine.set('kept', 'old');
    engine.set('deleted', 'old');
    const refresh = engine.fullRefresh();
    await waitFor(() => started === 2, 'both reloads to start');
    engine.delete('deleted');
    gate.resolve();

    expect(await refresh).toMatchObject({ refreshed: 1, skipped: 1 });
    expect(engine.has('deleted')).toBe(false);
    expect(engine.peek('kept')).toBe('kept new');
    await engine.close();
  });

  it('reloads only the keys that existed when it started', async () => {
    const gate = deferred();
    const calls: string[] = [];
    const { engine } = await startEngine<string, string>({
      load: async (key) => {
        calls.push(key);
        await gate.promise;
        return { ok: true, value: `${key} new` };
      },
    });
    engine.set('before', 'old');
    const refresh = engine.fullRefresh();
    await waitFor(() => calls.length === 1, 'the refresh to start');
    engine.set('during', 'set during refresh');
    gate.resolve();
    await refresh;
    expect(calls).toEqual(['before']);
    expect(engine.peek('during')).toBe('set during refresh');
    await engine.close();
  });

  it('writes the dump after each refresh', async () => {
    const { dir, remove } = await makeTempDir();
    const { source, load } = versionedSource();
    const { engine } = await startEngine<string, string>({ load }, { file: join(dir, 'refresh.dump'), dumpDelay: 60_000 });
    engine.set('a', 'a@0');
    source.version = 5;
    const dumpsBefore = engine.stats().dumps;
    await engine.fullRefresh();
    expect(engine.stats().dumps).toBe(dumpsBefore + 1);
    await engine.close();

    const restarted = await startEngine<string, string>({ load }, { file: join(dir, 'refresh.dump') });
    expect(restarted.engine.peek('a')).toBe('a@5');
    await restarted.engine.close();
    await remove();
  });
});
