import { join } from 'node:path';
import fc from 'fast-check';
import type { CacheEngine, StoreCallbacks } from '../../../lib/store/cache-engine.js';
import { startEngine } from '../../support/engine.js';
import { makeTempDir } from '../../support/temp-dir.js';

type Key = string | number | number[] | { id: string };
type Value = unknown;

/** Keys compare by value in the store (two equal arrays are one key): the model uses their text. */
const idOf = (key: Key) => `${typeof key}:${JSON.stringify(key)}`;

/** The source: what `load(key)` answers while its version is `version`, unless the key is failing. */
const sourceValue = (key: Key, version: number) => ({ key, version });

/** Whether the load of `key` fails under `seed`: about one in three, the same way for model and store. */
function fails(key: Key, seed: number): boolean {
  let hash = seed;
  for (const char of idOf(key)) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return ((hash >>> 0) % 3) === 0;
}

interface Model {
  entries: Map<string, { key: Key; value: Value }>;
  version: number;
}

/** The store under test and what its loader does now; restarts replace the engine. */
interface Real {
  engine: CacheEngine<Key, Value>;
  file: string;
  version: number;
  seed: number;
  callbacks: StoreCallbacks<Key, Value>;
}

async function startReal(real: Omit<Real, 'engine'>): Promise<CacheEngine<Key, Value>> {
  const { engine } = await startEngine(real.callbacks, { bucket: 'model', file: real.file, dumpDelay: 1 });
  return engine;
}

/** After every command: same keys, same values. */
function expectAgree(model: Model, real: Real): void {
  expect(real.engine.size).toBe(model.entries.size);
  expect(real.engine.keys().map(idOf).sort()).toEqual([...model.entries.keys()].sort());
  for (const { key, value } of model.entries.values()) expect(real.engine.peek(key)).toEqual(value);
}

class FetchCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly key: Key, readonly seed: number, readonly viaGet: boolean) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.seed = this.seed;
    const cached = model.entries.get(idOf(this.key));
    const expected = cached ? cached.value : fails(this.key, this.seed) ? undefined : sourceValue(this.key, model.version);
    if (this.viaGet) {
      expect(await real.engine.fetch(this.key).then((r) => (r.ok ? r.value : undefined))).toEqual(expected);
    } else {
      const result = await real.engine.fetch(this.key);
      expect(result.ok).toBe(expected !== undefined);
      if (result.ok) expect(result.value).toEqual(expected);
    }
    if (!cached && expected !== undefined) model.entries.set(idOf(this.key), { key: this.key, value: expected });
    expectAgree(model, real);
  }
  toString = () => `${this.viaGet ? 'get' : 'fetch'}(${JSON.stringify(this.key)}, seed ${this.seed})`;
}

class SetCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly key: Key, readonly value: Value) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.engine.set(this.key, this.value);
    model.entries.set(idOf(this.key), { key: this.key, value: this.value });
    expectAgree(model, real);
  }
  toString = () => `set(${JSON.stringify(this.key)}, ${JSON.stringify(this.value)})`;
}

class DeleteCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly key: Key) {}
  check = () => true;
  async run(model: Model, real: Real) {
    expect(real.engine.delete(this.key)).toBe(model.entries.delete(idOf(this.key)));
    expectAgree(model, real);
  }
  toString = () => `delete(${JSON.stringify(this.key)})`;
}

class FullRefreshCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly seed: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    model.version++;
    real.version = model.version;
    real.seed = this.seed;
    let failed = 0;
    for (const [id, { key }] of model.entries) {
      if (fails(key, this.seed)) failed++;
      else model.entries.set(id, { key, value: sourceValue(key, model.version) });
    }
    const result = await real.engine.fullRefresh();
    expect({ refreshed: result.refreshed, failed: result.failed }).toEqual({ refreshed: model.entries.size - failed, failed });
    expectAgree(model, real);
  }
  toString = () => `fullRefresh(seed ${this.seed})`;
}

class DumpCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    expect(await real.engine.dump()).toMatchObject({ ok: true, entries: model.entries.size });
    expectAgree(model, real);
  }
  toString = () => 'dump()';
}

class RestartCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    await real.engine.close();
    real.engine = await startReal(real);
    expect(real.engine.stats().startedFrom).toBe('dump');
    expectAgree(model, real);
  }
  toString = () => 'restart()';
}

describe('model-based: the store agrees with a plain Map after every command', () => {
  it('fetch, get, set, delete, fullRefresh, dump and restart-from-dump, with a loader that fails at random', async () => {
    const { dir, remove } = await makeTempDir();
    const key = fc.constantFrom<Key>('a', 'b', 'c', 1, 2, [1, 2], { id: 'x' });
    const seed = fc.integer();
    const value = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 3 }), fc.constant(null));
    const commands = [
      fc.tuple(key, seed).map(([k, s]) => new FetchCommand(k, s, false)),
      fc.tuple(key, seed).map(([k, s]) => new FetchCommand(k, s, true)),
      fc.tuple(key, value).map(([k, v]) => new SetCommand(k, v)),
      key.map((k) => new DeleteCommand(k)),
      seed.map((s) => new FullRefreshCommand(s)),
      fc.constant(new DumpCommand()),
      fc.constant(new RestartCommand()),
    ];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'large' }), async (sequence) => {
        const partial: Omit<Real, 'engine'> = {
          file: join(dir, `run-${run++}.dump`),
          version: 0,
          seed: 0,
          callbacks: {
            load: (key: Key) =>
              fails(key, real.seed) ? { ok: false, error: 'the source failed' } : { ok: true, value: sourceValue(key, real.version) },
          },
        };
        const real: Real = { ...partial, engine: await startReal(partial) };
        const model: Model = { entries: new Map(), version: 0 };
        try {
          await fc.asyncModelRun(() => ({ model, real }), sequence);
        } finally {
          await real.engine.close();
        }
      }),
      { numRuns: 100 },
    );
    await remove();
  }, 120_000);
});
