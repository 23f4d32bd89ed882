import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadContext } from '../../lib/index.js';
import { startEngine } from '../support/engine.js';

describe('load context and load timeouts', () => {
  it('gives load a context whose only own property is the signal, kept by a spread copy', async () => {
    let seen: LoadContext | undefined;
    const { engine } = await startEngine<string, string>({
      load: (_key, context) => {
        seen = { ...context };
        return { ok: true, value: Object.keys(context).join(',') };
      },
    });
    expect(await engine.fetch('a')).toEqual({ ok: true, value: 'signal', loaded: true });
    expect(Object.prototype.toString.call(seen?.signal)).toBe('[object AbortSignal]');
    expect(seen?.signal.aborted).toBe(false);
    await engine.close();
  });

  it('times out each of many loads on its own, while the quick ones started between them succeed', async () => {
    const { engine } = await startEngine<string, string>(
      {
        load: async (key, context) => {
          if (key.startsWith('quick')) return { ok: true, value: key };
          await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
          return { ok: true, value: 'never stored' };
        },
      },
      { loadTimeout: 60 },
    );
    const slow: Promise<unknown>[] = [];
    const quick: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      slow.push(engine.fetch(`slow-${i}`));
      quick.push(engine.fetch(`quick-${i}`));
      if (i % 5 === 4) await sleep(10);
    }
    expect(await Promise.all(quick)).toEqual(Array.from({ length: 20 }, (_, i) => ({ ok: true, value: `quick-${i}`, loaded: true })));
    expect(await Promise.all(slow)).toEqual(Array(20).fill({ ok: false, error: 'load timed out after 60 ms' }));
    expect(engine.keys().filter((key) => key.startsWith('slow'))).toEqual([]);
    await engine.close();
  });

  it('applies a caller’s own timeout beside the bucket’s', async () => {
    const { engine } = await startEngine<string, string>(
      { load: () => new Promise(() => undefined) },
      { loadTimeout: 5_000, shutdownTimeout: 50 },
    );
    expect(await engine.fetch('a', { timeout: 30 })).toEqual({ ok: false, error: 'load timed out after 30 ms' });
    expect(await engine.fetch('b', { timeout: 40 })).toEqual({ ok: false, error: 'load timed out after 40 ms' });
    await engine.close();
  });
});
