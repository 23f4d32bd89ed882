import { startEngine } from '../support/engine.js';
import { waitFor } from '../support/wait-for.js';

describe('loadTimeout', () => {
  it('a slow load resolves as an error, sees its signal aborted, and its late value is not stored', async () => {
    let signal: AbortSignal | undefined;
    let lateValueReturned = false;
    const { engine, logger } = await startEngine<string, string>(
      {
        load: (_key, context) => {
          signal = context.signal;
          return new Promise((resolve) =>
            setTimeout(() => {
              lateValueReturned = true;
              resolve({ ok: true, value: 'too late' });
            }, 150),
          );
        },
      },
      { loadTimeout: 30 },
    );

    expect(await engine.fetch('slow')).toEqual({ ok: false, error: 'load timed out after 30 ms' });
    expect(signal?.aborted).toBe(true);
    await waitFor(() => lateValueReturned, 'the late value');
    await new Promise((resolve) => setImmediate(resolve));
    expect(engine.has('slow')).toBe(false);
    expect(engine.stats().loadErrors).toBe(1);
    expect(logger.at('warn', 'load("slow") failed: load timed out after 30 ms')).toHaveLength(1);
    await engine.close();
  });

  it('a load that reads its signal only after the timeout finds it aborted', async () => {
    let abortedWhenRead: boolean | undefined;
    const { engine } = await startEngine<string, string>(
      {
        load: async (_key, context) => {
          await new Promise((resolve) => setTimeout(resolve, 80));
          abortedWhenRead = context.signal.aborted;
          return { ok: true, value: 'late' };
        },
      },
      { loadTimeout: 20 },
    );
    expect(await engine.fetch('k')).toEqual({ ok: false, error: 'load timed out after 20 ms' });
    await waitFor(() => abortedWhenRead !== undefined, 'the load to read its signal');
    expect(abortedWhenRead).toBe(true);
    expect(engine.has('k')).toBe(false);
    await engine.close();
  });

  it('a reload that times out in a full refresh keeps the old value and counts as failed', async () => {
    let slow = false;
    const { engine } = await startEngine<string, string>(
      {
        load: (key) =>
          slow
            ? new Promise((resolve) => setTimeout(() => resolve({ ok: true, value: `${key} late` }), 100))
            : { ok: true, value: `${key} fast` },
      },
      { loadTimeout: 20 },
    );
    await engine.fetch('k');
    slow = true;
    expect(await engine.fullRefresh()).toMatchObject({ refreshed: 0, failed: 1 });
    expect(engine.peek('k')).toBe('k fast');
    await engine.close();
  });

  it('0 means no timeout', async () => {
    const { engine } = await startEngine<string, string>(
      { load: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, value: 'eventually' }), 60)) },
      { loadTimeout: 0 },
    );
    expect(await engine.fetch('k')).toEqual({ ok: true, value: 'eventually', loaded: true });
    await engine.close();
  });

  it('the per-call timeout overrides loadTimeout for the load it starts', async () => {
    let signal: AbortSignal | undefined;
    const { engine } = await startEngine<string, string>(
      {
        load: (_key, context) => {
          signal = context.signal;
          return new Promise((resolve) => setTimeout(() => resolve({ ok: true, value: 'v' }), 80));
        },
      },
      { loadTimeout: 10 },
    );
    expect(await engine.fetch('patient', { timeout: 5_000 })).toEqual({ ok: true, value: 'v', loaded: true });
    expect(signal?.aborted).toBe(false);
    expect(await engine.fetch('hasty')).toEqual({ ok: false, error: 'load timed out after 10 ms' });
    await engine.close();
  });

  it('a load that never settles still answers within the timeout', async () => {
    const { engine } = await startEngine<string, string>({ load: () => new Promise(() => undefined) }, {
      loadTimeout: 20,
      shutdownTimeout: 0,
    });
    expect(await engine.fetch('k')).toEqual({ ok: false, error: 'load timed out after 20 ms' });
    await engine.close();
  });
});
