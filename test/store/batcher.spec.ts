import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';
import { Batcher } from '../../lib/store/loading/batcher.js';

/** A batcher that records the batches it sends. */
function recording(size: number, delayMs: number) {
  const sent: { items: string[]; timeoutMs: number }[] = [];
  const batcher = new Batcher<string>(size, delayMs, (items, timeoutMs) => sent.push({ items, timeoutMs }));
  return { batcher, sent };
}

describe('batcher', () => {
  it('with no delay, sends what one event-loop turn added as one batch, after the turn', async () => {
    const { batcher, sent } = recording(100, 0);
    batcher.add('a', 1000);
    await Promise.resolve(); // microtasks of the same turn still join
    batcher.add('b', 1000);
    expect(sent).toEqual([]);
    await nextMacrotask();
    expect(sent).toEqual([{ items: ['a', 'b'], timeoutMs: 1000 }]);
    batcher.add('c', 1000);
    await nextMacrotask();
    expect(sent.map((batch) => batch.items)).toEqual([['a', 'b'], ['c']]);
  });

  it('sends a batch at once when it reaches its size, and starts the next one', async () => {
    const { batcher, sent } = recording(3, 0);
    for (const item of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) batcher.add(item, 0);
    expect(sent.map((batch) => batch.items)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    await nextMacrotask();
    expect(sent.map((batch) => batch.items)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });

  it('with a delay, collects for that long from the first item', async () => {
    const { batcher, sent } = recording(100, 40);
    batcher.add('a', 0);
    await sleep(10);
    batcher.add('b', 0);
    await nextMacrotask();
    expect(sent).toEqual([]);
    await sleep(60);
    expect(sent).toEqual([{ items: ['a', 'b'], timeoutMs: 0 }]);
  });

  it('keeps items of different timeouts in different batches', async () => {
    const { batcher, sent } = recording(100, 0);
    batcher.add('a', 1000);
    batcher.add('b', 50);
    batcher.add('c', 1000);
    await nextMacrotask();
    expect(sent).toEqual([
      { items: ['a', 'c'], timeoutMs: 1000 },
      { items: ['b'], timeoutMs: 50 },
    ]);
  });

  it('hands back the items still waiting without sending them, and sends nothing for them later', async () => {
    const { batcher, sent } = recording(100, 20);
    batcher.add('a', 0);
    batcher.add('b', 30);
    expect(batcher.takeWaiting().sort()).toEqual(['a', 'b']);
    await sleep(40);
    expect(sent).toEqual([]);
    expect(batcher.takeWaiting()).toEqual([]);
  });
});
