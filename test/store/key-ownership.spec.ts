import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startEngine } from '../support/engine.js';
import { makeTempDir } from '../support/temp-dir.js';

interface Pair {
  from: string;
  to: string;
}
const RATES: Record<string, number> = { 'GBP/USD': 1.27, 'GBP/JPY': 190.4 };
const rateOf = (pair: Pair) => RATES[`${pair.from}/${pair.to}`]!;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => (temp = await makeTempDir()));
afterAll(() => temp.remove());

/** A bucket of exchange rates keyed by currency pair objects, dumped to `file`; `loads` lists each pair loaded. */
async function rates(file: string) {
  const loads: string[] = [];
  const started = await startEngine<Pair, number>(
    { load: (pair) => (loads.push(`${pair.from}/${pair.to}`), { ok: true, value: rateOf(pair) }) },
    { bucket: 'rates', file },
  );
  return { ...started, loads };
}

describe('the store keeps its own copy of a key object', () => {
  it('a key changed by the caller after use: each pair keeps its rate, before and after a restart', async () => {
    const file = join(temp.dir, 'rates.dump');
    const first = await rates(file);
    const pair = { from: 'GBP', to: 'USD' };
    expect(await first.engine.fetch(pair)).toEqual({ ok: true, value: 1.27, loaded: true });
    pair.to = 'JPY'; // the caller reuses its object

    expect(await first.engine.fetch({ from: 'GBP', to: 'USD' })).toEqual({ ok: true, value: 1.27, loaded: false });
    expect(await first.engine.fetch(pair)).toEqual({ ok: true, value: 190.4, loaded: true });
    expect(first.loads).toEqual(['GBP/USD', 'GBP/JPY']);
    expect(first.engine.keys()).toEqual([{ from: 'GBP', to: 'USD' }, { from: 'GBP', to: 'JPY' }]);
    await first.engine.close();

    const second = await rates(file);
    expect(second.engine.stats().startedFrom).toBe('dump');
    expect(second.engine.peek({ from: 'GBP', to: 'USD' })).toBe(1.27);
    expect(second.engine.peek({ from: 'GBP', to: 'JPY' })).toBe(190.4);
    await second.engine.close();
  });

  it('a key changed while its load runs: the value is stored under the key as it was asked for', async () => {
    let finish!: () => void;
    const asked: Pair[] = [];
    const { engine } = await startEngine<Pair, number>({
      load: async (key) => {
        asked.push(key);
        await new Promise<void>((resolve) => (finish = resolve));
        return { ok: true, value: rateOf(key) };
      },
    });
    const pair = { from: 'GBP', to: 'USD' };
    const pending = engine.fetch(pair);
    await delay(5);
    pair.to = 'JPY';
    finish();
    expect(await pending).toEqual({ ok: true, value: 1.27, loaded: true });
    expect(asked).toEqual([{ from: 'GBP', to: 'USD' }]);
    expect(engine.peek({ from: 'GBP', to: 'USD' })).toBe(1.27);
    expect(engine.has({ from: 'GBP', to: 'JPY' })).toBe(false);
    await engine.close();
  });

  it('set copies too; the keys it hands out are frozen, so no one can change the stored ones', async () => {
    const { engine } = await startEngine<unknown, string>({ load: () => ({ ok: false, error: 'not used' }) });
    const key = { region: 'eu', ids: [1, 2] };
    engine.set(key, 'eu 1 2');
    key.ids.push(3);
    expect(engine.peek({ region: 'eu', ids: [1, 2] })).toBe('eu 1 2');

    const [stored] = engine.keys() as [typeof key];
    expect(stored).toEqual({ region: 'eu', ids: [1, 2] });
    expect(Object.isFrozen(stored) && Object.isFrozen(stored.ids)).toBe(true);
    expect(() => stored.ids.push(4)).toThrow(TypeError);
    expect(engine.peek({ region: 'eu', ids: [1, 2] })).toBe('eu 1 2');
    await engine.close();
  });

  it('a class instance key keeps its class and a Date key its time, whatever the caller does to them', async () => {
    class Tenant {
      constructor(readonly id: string) {}
      label(): string {
        return `tenant ${this.id}`;
      }
    }
    const { engine } = await startEngine<unknown, string>({ load: () => ({ ok: false, error: 'not used' }) });
    const when = new Date(1_000);
    engine.set(when, 'at one second');
    engine.set(new Tenant('a'), 'tenant a');
    when.setTime(2_000);

    expect(engine.peek(new Date(1_000))).toBe('at one second');
    const [storedDate, storedTenant] = engine.keys() as [Date, Tenant];
    expect(storedDate.getTime()).toBe(1_000);
    expect(storedTenant).toBeInstanceOf(Tenant);
    expect(storedTenant.label()).toBe('tenant a');
    expect(engine.peek(new Tenant('a'))).toBe('tenant a');
    await engine.close();
  });
});
