import { decodeMessage, encodeMessage } from '../../lib/cluster/channel-codec.js';

const tag = (value: unknown) => Object.prototype.toString.call(value);

describe('the cluster channel codec', () => {
  it('carries keys and values with their Maps, Dates and BigInts, and the sender', () => {
    const key = { id: 7n, at: new Date(5) };
    const value = new Map([['a', new Set([1, 2])]]);
    const decoded = decodeMessage(encodeMessage({ from: 'instance-1', seq: 4, message: { type: 'loaded', key, value, extra: null } }));
    expect(decoded?.from).toBe('instance-1');
    expect(decoded?.seq).toBe(4);
    const message = decoded!.message as { type: string; key: { id: bigint; at: Date }; value: Map<string, Set<number>> };
    expect(message.type).toBe('loaded');
    expect(message.key.id).toBe(7n);
    expect(tag(message.key.at)).toBe('[object Date]');
    expect(message.key.at.getTime()).toBe(5);
    expect(tag(message.value)).toBe('[object Map]');
    expect([...message.value.get('a')!]).toEqual([1, 2]);
  });

  it('reads nothing from bytes that are not a well-formed message', () => {
    const good = encodeMessage({ from: 'x', seq: 1, message: { type: 'snapshot', version: 3 } });
    expect(decodeMessage(good)).toEqual({ from: 'x', seq: 1, message: { type: 'snapshot', version: 3 } });
    expect(decodeMessage(encodeMessage({ from: 'x', seq: 0, message: { type: 'clear' } }))).toBeNull();
    expect(decodeMessage(Buffer.from('hello'))).toBeNull();
    expect(decodeMessage(good.subarray(0, good.length - 2))).toBeNull();
    expect(decodeMessage(encodeMessage({ from: 'x', seq: 1, message: { type: 'delete' } as never }))).toBeNull();
    expect(decodeMessage(encodeMessage({ from: 'x', seq: 1, message: { type: 'toString' } as never }))).toBeNull();
    expect(decodeMessage(encodeMessage({ from: 'x', seq: 1, message: { type: 'snapshot', version: 1.5 } }))).toBeNull();
  });

  it('refuses to encode a value that cannot be serialized', () => {
    expect(() => encodeMessage({ from: 'x', seq: 1, message: { type: 'set', key: 'k', value: () => 1 } })).toThrow();
  });
});
