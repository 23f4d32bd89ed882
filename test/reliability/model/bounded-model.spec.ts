import { join } from 'node:path';
import fc from 'fast-check';
import type { CacheWorkerOptions } from '../../../lib/index.js';
import type { CacheEngine } from '../../../lib/store/cache-engine.js';
import { startEngine } from '../../support/engine.js';
import { makeTempDir } from '../../support/temp-dir.js';

type Key = string | number | { id: string };
/** A value carries its weight, so the test can sum what is resident. */
interface Value {
  tag: string;
  weight: number;
}

const idOf = (key: Key) => `${typeof key}:${JSON.stringify(key)}`;

/**
 * The model: the last value written for every key, whichever way it was written (a load, `set`, a
 * refresh). A bounded bucket may hold any part of it, but what it holds must be exactly that.
 */
interface Model {
  written: Map<string, Value>;
  version: number;
}

interface Real {
  engine: CacheEngine<Key, Value>;
  file: string;
  settings: Partial<CacheWorkerOptions>;
  /** What `load` answers now; shared by every engine of the run. */
  source: { version: number };
}

const loaded = (key: Key, version: number): Value => ({ tag: `${idOf(key)}@${version}`, weight: (idOf(key).length % 4) + 1 });

function start(real: Omit<Real, 'engine'>): Promise<CacheEngine<Key, Value>> {
  return startEngine<Key, Value>(
    { load: (key) => ({ ok: true, value: loaded(key, real.source.version) }), weigh: (_key, value) => value.weight },
    { bucket: 'bounded-model', file: real.file, dumpDelay: 1, ...real.settings },
  ).then(({ engine }) => engine);
}

/** After every command: within both bounds, and each resident key holds the last value written for it. */
function expectSound(model: Model, real: Real): void {
  const { maxEntries, maxWeight } = real.settings;
  const keys = real.engine.keys();
  expect(real.engine.size).toBe(keys.length);
  if (maxEntries) expect(keys.length).toBeLessThanOrEqual(maxEntries);
  let weight = 0;
  for (const key of keys) {
    const value = real.engine.peek(key)!;
    expect(value).toEqual(model.written.get(idOf(key)));
    weight += value.weight;
  }
  if (maxWeight) {
    expect(weight).toBeLessThanOrEqual(maxWeight);
    expect(real.engine.stats().weight).toBe(weight);
  }
}

type Command = fc.AsyncCommand<Model, Real>;

class FetchCommand implements Command {
  constructor(readonly key: Key, readonly how: 'fetch' | 'fetchNoSave' | 'peek') {}
  check = () => true;
  async run(model: Model, real: Real) {
    const resident = real.engine.has(this.key);
    const expected = resident ? model.written.get(idOf(this.key)) : loaded(this.key, model.version);
    if (this.how === 'peek') expect(real.engine.peek(this.key)).toEqual(resident ? expected : undefined);
    else expect(await real.engine[this.how](this.key)).toMatchObject({ ok: true, value: expected });
    if (this.how === 'fetch' && !resident) model.written.set(idOf(this.key), expected!);
    expectSound(model, real);
  }
  toString = () => `${this.how}(${JSON.stringify(this.key)})`;
}

class SetCommand implements Command {
  constructor(readonly key: Key, readonly value: Value) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.engine.set(this.key, this.value);
    model.written.set(idOf(this.key), this.value);
    expectSound(model, real);
  }
  toString = () => `set(${JSON.stringify(this.key)}, ${JSON.stringify(this.value)})`;
}

class DeleteCommand implements Command {
  constructor(readonly key: Key) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.engine.delete(this.key);
    model.written.delete(idOf(this.key));
    expect(real.engine.has(this.key)).toBe(false);
    expectSound(model, real);
  }
  toString = () => `delete(${JSON.stringify(this.key)})`;
}

class RefreshCommand implements Command {
  check = () => true;
  async run(model: Model, real: Real) {
    real.source.version = ++model.version;
    const resident = real.engine.keys();
    await real.engine.fullRefresh();
    for (const key of resident) model.written.set(idOf(key), loaded(key, model.version));
    expectSound(model, real);
  }
  toString = () => 'fullRefresh()';
}

class RestartCommand implements Command {
  /** `shrink`: the next start has bounds half as large. */
  constructor(readonly shrink: boolean) {}
  check = () => true;
  async run(model: Model, real: Real) {
    await real.engine.close();
    if (this.shrink) {
      const { maxEntries, maxWeight } = real.settings;
      real.settings = {
        maxEntries: maxEntries ? Math.max(1, Math.floor(maxEntries / 2)) : null,
        maxWeight: maxWeight ? Math.max(1, Math.floor(maxWeight / 2)) : null,
      };
    }
    real.engine = await start(real);
    expectSound(model, real);
  }
  toString = () => `restart(${this.shrink ? 'with half the bounds' : ''})`;
}

describe('model-based: a bounded bucket holds its bounds and the last value written for each key', () => {
  it.each([
    ['maxEntries', { maxEntries: 4, maxWeight: null }],
    ['maxWeight', { maxEntries: null, maxWeight: 9 }],
    ['both bounds', { maxEntries: 5, maxWeight: 12 }],
  ])('%s, through fetch, fetchNoSave, peek, set, delete, fullRefresh and restarts', async (_name, bounds) => {
    const { dir, remove } = await makeTempDir();
    const key = fc.constantFrom<Key>('a', 'b', 'c', 'd', 'e', 'f', 'g', 1, 2, 3, { id: 'x' }, { id: 'y' });
    const value = fc.record({ tag: fc.string({ maxLength: 4 }), weight: fc.integer({ min: 0, max: 6 }) });
    const commands = [
      key.map((k) => new FetchCommand(k, 'fetch')),
      key.map((k) => new FetchCommand(k, 'fetch')),
      key.map((k) => new FetchCommand(k, 'fetchNoSave')),
      key.map((k) => new FetchCommand(k, 'peek')),
      fc.tuple(key, value).map(([k, v]) => new SetCommand(k, v)),
      key.map((k) => new DeleteCommand(k)),
      fc.constant(new RefreshCommand()),
      fc.boolean().map((shrink) => new RestartCommand(shrink)),
    ];
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 60, size: 'large' }), async (sequence) => {
          const partial: Omit<Real, 'engine'> = { file: join(dir, `run-${run++}.dump`), settings: { ...bounds }, source: { version: 0 } };
          const real: Real = { ...partial, engine: await start(partial) };
          const model: Model = { written: new Map(), version: 0 };
          try {
            await fc.asyncModelRun(() => ({ model, real }), sequence);
          } finally {
            await real.engine.close();
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await remove();
    }
  }, 120_000);
});
