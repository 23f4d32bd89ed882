import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreCallbacks } from '../../lib/store/cache-engine.js';
import { startEngine } from '../support/engine.js';
import { makeTempDir } from '../support/temp-dir.js';
import { sleep, waitFor } from '../support/wait-for.js';

const tag = (value: unknown) => Object.prototype.toString.call(value);
const noLoad: StoreCallbacks<unknown, unknown>['load'] = () => ({ ok: false, error: 'not expected to load' });

describe('dumps', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir, remove } = await makeTempDir()));
  afterEach(() => remove());

  it('a restart is served from the dump; values of many types round-trip (dump restart)', async () => {
    const file = join(dir, 'types.dump');
    const first = await startEngine<unknown, unknown>({ load: noLoad }, { file });
    const nested = { list: [1, 'two', { three: 3n }], when: new Date(1_700_000_000_000), none: null, nothing: undefined };
    first.engine.set('map', new Map<unknown, unknown>([['a', 1], [{ k: 2 }, new Set([3])]]));
    first.engine.set('set', new Set(['x', 'y']));
    first.engine.set('date', new Date(86_400_000));
    first.engine.set('bigint', 12345678901234567890n);
    first.engine.set('nested', nested);
    first.engine.set('bytes', new Uint8Array([1, 2, 3]));
    first.engine.set({ tenant: 'acme', id: 1 }, 'object key');
    first.engine.set(7, 'number key');
    await first.engine.close();

    let initRan = false;
    const { engine, logger } = await startEngine<unknown, unknown>({ load: noLoad, init: () => void (initRan = true) }, { file });
    expect(initRan).toBe(false);
    expect(engine.stats().startedFrom).toBe('dump');
    expect(engine.size).toBe(8);
    const map = engine.peek('map') as Map<unknown, unknown>;
    expect(tag(map)).toBe('[object Map]');
    expect([...map.entries()]).toEqual([['a', 1], [{ k: 2 }, new Set([3])]]);
    expect(tag(engine.peek('set'))).toBe('[object Set]');
    expect([...(engine.peek('set') as Set<string>)]).toEqual(['x', 'y']);
    expect(tag(engine.peek('date'))).toBe('[object Date]');
    expect((engine.peek('date') as Date).getTime()).toBe(86_400_000);
    expect(engine.peek('bigint')).toBe(12345678901234567890n);
    expect(engine.peek('nested')).toEqual(nested);
    expect(Object.keys(engine.peek('nested') as object)).toContain('nothing');
    expect([...(engine.peek('bytes') as Uint8Array)]).toEqual([1, 2, 3]);
    expect(engine.peek({ id: 1, tenant: 'acme' })).toBe('object key');
    expect(engine.peek(7)).toBe('number key');
    expect(await engine.fetch('date')).toMatchObject({ ok: true });
    expect(logger.at('log', 'loaded 8 entries from')).toHaveLength(1);
    await engine.close();
  });

  it('class-instance keys still equal their originals after a restart', async () => {
    class TenantId {
      constructor(readonly id: string) {}
    }
    class Region {
      constructor(readonly code: string, readonly tenants: TenantId[]) {}
    }
    const file = join(dir, 'class-keys.dump');
    const first = await startEngine<unknown, string>({ load: noLoad as never }, { file });
    first.engine.set(new TenantId('acme'), 'instance key');
    first.engine.set({ tenant: new TenantId('acme'), when: new Date(7) }, 'instance inside an object');
    first.engine.set(new Map<unknown, unknown>([[new TenantId('m'), new Set([new TenantId('s')])]]), 'instances in a Map and a Set');
    first.engine.set(new Region('eu', [new TenantId('a'), new TenantId('b')]), 'nested instances');
    first.engine.set({ id: 'acme' }, 'plain object like the instance');
    first.engine.set({ '\u0000nest-cache-worker:key': 1 }, 'plain object with an odd property');
    const lookalike = { '\u0000nest-cache-worker:instance': 'TenantId', properties: { id: 'x' } };
    first.engine.set({ tenant: new TenantId('x'), lookalike }, 'instance beside a look-alike');
    await first.engine.close();

    const { engine } = await startEngine<unknown, string>({ load: noLoad as never }, { file });
    expect(engine.size).toBe(7);
    expect(engine.peek(new TenantId('acme'))).toBe('instance key');
    expect(engine.peek({ when: new Date(7), tenant: new TenantId('acme') })).toBe('instance inside an object');
    expect(engine.peek(new Map<unknown, unknown>([[new TenantId('m'), new Set([new TenantId('s')])]]))).toBe('instances in a Map and a Set');
    expect(engine.peek(new Region('eu', [new TenantId('a'), new TenantId('b')]))).toBe('nested instances');
    expect(engine.peek({ id: 'acme' })).toBe('plain object like the instance');
    expect(engine.peek({ '\u0000nest-cache-worker:key': 1 })).toBe('plain object with an odd property');
    expect(engine.peek({ lookalike, tenant: new TenantId('x') })).toBe('instance beside a look-alike');
    const restored = engine.keys()[0] as { constructor: { name: string }; id: string };
    expect(restored.constructor.name).toBe('TenantId');
    expect(restored.id).toBe('acme');
    await engine.close();
  });

  it('a dump larger than the reader’s buffer restarts intact, byte arrays and all', async () => {
    const file = join(dir, 'large.dump');
    const first = await startEngine<string, unknown>({ load: noLoad }, { file });
    const bytesOf = (i: number) => new Uint8Array(2000).fill(i % 251);
    for (let i = 0; i < 6000; i++) first.engine.set(`bytes-${i}`, i % 2 ? bytesOf(i) : { i, text: 'x'.repeat(2000) });
    await first.engine.close();
    expect((await stat(file)).size).toBeGreaterThan(8 * 1024 * 1024); // more than one read of the reader's 8 MiB

    const { engine } = await startEngine<string, unknown>({ load: noLoad }, { file });
    expect(engine.size).toBe(6000);
    for (let i = 0; i < 6000; i++) {
      const value = engine.peek(`bytes-${i}`);
      if (i % 2) expect([i, tag(value), (value as Uint8Array).every((byte) => byte === i % 251)]).toEqual([i, '[object Uint8Array]', true]);
      else expect(value).toEqual({ i, text: 'x'.repeat(2000) });
    }
    await engine.close();
  });

  it('revive turns values read from a dump back into the store’s classes', async () => {
    class Widget {
      constructor(readonly id: string, readonly name: string) {}
      label() {
        return `${this.id}: ${this.name}`;
      }
    }
    const file = join(dir, 'revive.dump');
    const first = await startEngine<string, Widget>({ load: noLoad as never }, { file });
    first.engine.set('w', new Widget('w', 'Wrench'));
    await first.engine.close();

    const withoutRevive = await startEngine<string, Widget>({ load: noLoad as never }, { file });
    expect(withoutRevive.engine.peek('w')).toEqual({ id: 'w', name: 'Wrench' });
    expect(withoutRevive.engine.peek('w')).not.toBeInstanceOf(Widget);
    await withoutRevive.engine.close();

    const revive = (value: unknown) => {
      const plain = value as { id: string; name: string };
      return new Widget(plain.id, plain.name);
    };
    const { engine } = await startEngine<string, Widget>({ load: noLoad as never, revive }, { file });
    expect(engine.peek('w')).toBeInstanceOf(Widget);
    expect(engine.peek('w')!.label()).toBe('w: Wrench');
    await engine.close();
  });

  it('an entry whose revive throws is left out and loads on demand', async () => {
    const file = join(dir, 'revive-throws.dump');
    const first = await startEngine<string, number>({ load: noLoad as never }, { file });
    first.engine.set('good', 1);
    first.engine.set('bad', -1);
    await first.engine.close();

    const revive = (value: unknown) => {
      if ((value as number) < 0) throw new Error('negative');
      return value as number;
    };
    const { engine, logger } = await startEngine<string, number>({ load: () => ({ ok: true, value: 2 }), revive }, { file });
    expect(engine.keys()).toEqual(['good']);
    expect(logger.at('warn', 'revive threw for 1 entries')).toHaveLength(1);
    expect(await engine.fetch('bad')).toEqual({ ok: true, value: 2, loaded: true });
    await engine.close();
  });

  it('a revive that returns a promise is a failure for that entry, not a crash', async () => {
    const file = join(dir, 'revive-async.dump');
    const first = await startEngine<string, number>({ load: noLoad as never }, { file });
    first.engine.set('a', 1);
    await first.engine.close();

    const revive = async () => {
      throw new Error('async revive');
    };
    const { engine, logger } = await startEngine<string, number>({ load: () => ({ ok: true, value: 2 }), revive: revive as never }, { file });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(engine.keys()).toEqual([]);
    expect(logger.at('warn', 'revive threw for 1 entries')[0]!.message).toContain('revive returned a promise');
    await engine.close();
  });

  it.each([
    ['garbage', async (file: string) => writeFile(file, 'this is not a dump at all, just some text')],
    ['a truncated dump', async (file: string) => {
      const full = await readFile(file);
      await writeFile(file, full.subarray(0, full.length - 3));
    }],
    ['a dump with a flipped byte', async (file: string) => {
      const full = await readFile(file);
      full[full.length - 2] ^= 0xff;
      await writeFile(file, full);
    }],
  ])('a bad dump file (%s) is a warning, init runs, and the file is kept as <file>.corrupt-*', async (_name, spoil) => {
    const file = join(dir, 'bad.dump');
    const first = await startEngine<string, string>({ load: noLoad as never }, { file });
    first.engine.set('a', 'value a');
    await first.engine.close();
    const original = await readFile(file);
    await spoil(file);
    const spoiled = await readFile(file);
    expect(spoiled.equals(original)).toBe(false);

    const { engine, logger } = await startEngine<string, string>(
      { load: noLoad as never, init: () => ({ ok: true, seed: { fresh: 'from init' } }) },
      { file },
    );
    expect(engine.keys()).toEqual(['fresh']);
    expect(engine.stats().startedFrom).toBe('init');
    const warning = logger.at('warn', `dump ${file} can't be used`);
    expect(warning).toHaveLength(1);
    const kept = (await readdir(dir)).filter((name) => name.startsWith('bad.dump.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(warning[0]!.message).toContain(`kept as ${join(dir, kept[0]!)}`);
    expect((await readFile(join(dir, kept[0]!))).equals(spoiled)).toBe(true);
    await engine.close();
  });

  it('another bucket’s dump is a warning and is not loaded', async () => {
    const file = join(dir, 'other.dump');
    const other = await startEngine<string, string>({ load: noLoad as never }, { bucket: 'other', file });
    other.engine.set('secret', 'of another bucket');
    await other.engine.close();

    const { engine, logger } = await startEngine<string, string>({ load: noLoad as never }, { bucket: 'mine', file });
    expect(engine.size).toBe(0);
    expect(logger.at('warn', 'it is the dump of bucket "other"')).toHaveLength(1);
    await engine.close();
  });

  it('a missing dump is normal: logged at debug, init runs', async () => {
    const file = join(dir, 'first-start.dump');
    let initRan = false;
    const { engine, logger } = await startEngine({ load: noLoad, init: () => void (initRan = true) }, { file });
    expect(initRan).toBe(true);
    expect(logger.at('debug', `no dump at ${file}`)).toHaveLength(1);
    expect([...logger.at('warn'), ...logger.at('error')]).toEqual([]);
    await engine.close();
  });

  it('dumps after changes, coalesced into one write', async () => {
    const file = join(dir, 'coalesced.dump');
    const { engine } = await startEngine<string, string>(
      { load: (key) => ({ ok: true, value: `loaded ${key}` }) },
      { file, dumpDelay: 100 },
    );
    for (let i = 0; i < 20; i++) engine.set(`set-${i}`, 'v');
    await Promise.all(Array.from({ length: 20 }, (_, i) => engine.fetch(`miss-${i}`)));
    engine.delete('set-0');
    expect(engine.stats().dumps).toBe(0);
    await waitFor(() => engine.stats().dumps === 1, 'the coalesced dump');
    await sleep(250);
    expect(engine.stats().dumps).toBe(1);

    const reader = await startEngine<string, string>({ load: noLoad as never }, { bucket: 'test', file, dumpDelay: 100 });
    expect(reader.engine.size).toBe(39);
    expect(reader.engine.has('set-0')).toBe(false);
    await reader.engine.close();

    engine.clear();
    await waitFor(() => engine.stats().dumps === 2, 'the dump after clear');
    await engine.close();
  });

  it('no dump is written when nothing changed', async () => {
    const file = join(dir, 'quiet.dump');
    const { engine } = await startEngine<string, string>({ load: () => ({ ok: false, error: 'nope' }) }, { file, dumpDelay: 10 });
    await engine.fetch('fails');
    engine.delete('absent');
    await sleep(100);
    expect(engine.stats().dumps).toBe(0);
    expect(await readdir(dir)).toEqual([]);
    await engine.close();
  });

  it('the final dump at close holds the latest changes, and the file has mode 0600', async () => {
    const file = join(dir, 'final.dump');
    const { engine } = await startEngine<string, string>({ load: noLoad as never }, { file, dumpDelay: 60_000 });
    engine.set('late', 'change');
    await engine.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const reader = await startEngine<string, string>({ load: noLoad as never }, { file });
    expect(reader.engine.peek('late')).toBe('change');
    await reader.engine.close();
  });

  it('leaves out entries that cannot be serialized, logged once per dump with the count', async () => {
    const file = join(dir, 'functions.dump');
    const { engine, logger } = await startEngine<string, unknown>({ load: noLoad }, { file, dumpDelay: 60_000 });
    engine.set('plain', { ok: 1 });
    engine.set('fn', () => 'a function');
    engine.set('symbol', Symbol('s'));
    engine.set('also plain', [1, 2]);

    const result = await engine.dump();
    expect(result).toMatchObject({ ok: true, entries: 2, leftOut: 2 });
    const lines = logger.at('warn', "can't be serialized");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toMatch(/^2 entries/);
    await engine.dump();
    expect(logger.at('warn', "can't be serialized")).toHaveLength(2);
    await engine.close();

    const reader = await startEngine<string, unknown>({ load: noLoad }, { file });
    expect(reader.engine.keys()).toEqual(['plain', 'also plain']);
    await reader.engine.close();
  });

  it('a dump that cannot be written is logged, dump() resolves with the error, and the bucket keeps serving', async () => {
    await writeFile(join(dir, 'a-file'), 'where the folder should be');
    const file = join(dir, 'a-file', 'x.dump');
    const { engine, logger } = await startEngine<string, string>({ load: () => ({ ok: true, value: 'v' }) }, { file });
    engine.set('a', 'A');
    const result = await engine.dump();
    expect(result.ok).toBe(false);
    expect(logger.at('error', `dump to ${file} failed`)).toHaveLength(1);
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'A', loaded: false });
    expect(engine.stats().dumpErrors).toBe(1);
    await engine.close();
  });

  it('dump() without a file says so', async () => {
    const { engine } = await startEngine({ load: noLoad }, { bucket: 'volatile' });
    expect(await engine.dump()).toEqual({ ok: false, error: 'cache worker "volatile" has no dump file' });
    await engine.close();
  });
});
