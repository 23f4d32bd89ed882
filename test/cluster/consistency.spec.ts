import { Redis } from 'ioredis';
import { startLocalInstance, type Item } from './support/cluster-instance.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { sleep, waitFor } from '../support/wait-for.js';

/** About 1.5 MB: a few of them make a snapshot long enough to write that other changes happen meanwhile. */
const big = (i: number): Item => ({ key: `big${i}`, by: String(i).repeat(1_500_000), n: i });
const item = (key: string, by: string): Item => ({ key, by, n: 0 });

describe('cluster mode: no snapshot undoes a change, no deleted key comes back', () => {
  let redis: RedisServer;
  let admin: Redis;
  const opened: Array<{ close(): Promise<void> }> = [];
  const open = async (name: string, namespace: string, refreshInterval = 0) => {
    const instance = await startLocalInstance({ name, refreshInterval, cluster: { redis: { host: '127.0.0.1', port: redis.port, connectionName: name }, namespace } });
    opened.push(instance);
    return instance;
  };
  const version = async (namespace: string) => Number(await admin.hget(`{${namespace}:items}:snapshot`, 'version'));

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
  });

  afterEach(async () => {
    for (const instance of opened.splice(0).reverse()) await instance.close().catch(() => undefined);
  });

  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  it('keeps a change made while a snapshot was being written, on every instance, when that snapshot arrives', async () => {
    const namespace = 'during-write';
    const [writer, follower, other] = [await open('writer', namespace), await open('follower', namespace), await open('other', namespace)];
    await writer.set('k', item('k', 'before the snapshot'));
    for (let i = 0; i < 7; i++) await writer.set(`big${i}`, big(i));
    await waitFor(async () => (await follower.peek('big6')) !== undefined, 'the values to reach the follower');
    const before = await version(namespace);

    const dumped = writer.store.dump(); // encodes `k` first, then writes chunks for a while
    await other.set('k', item('k', 'while it was written'));
    await dumped;
    expect(await version(namespace)).toBe(before + 1);
    await sleep(300); // the announcement reaches the follower, which applies the snapshot
    for (const instance of [writer, follower, other]) expect(await instance.peek('k')).toEqual(item('k', 'while it was written'));
  });

  it('applies a delete received while it starts from the snapshot after the fill, so the key stays deleted', async () => {
    const namespace = 'at-start';
    const writer = await open('writer', namespace);
    await writer.set('k', item('k', 'deleted soon'));
    for (let i = 0; i < 10; i++) await writer.set(`big${i}`, big(i));
    await writer.store.dump();
    const channel = `{${namespace}:items}:changes`;
    const subscribers = async () => Number(((await admin.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1]);
    const listening = await subscribers();

    const starting = startLocalInstance({ name: 'late', refreshInterval: 0, cluster: { redis: redis.url, namespace } });
    // The moment the new instance listens, and before it has read the whole snapshot, k is deleted.
    await waitFor(async () => (await subscribers()) > listening, 'the new instance to subscribe', 10_000);
    await writer.delete('k');
    const late = await starting;
    opened.push(late);
    expect((await late.stats()).startedFrom).toBe('snapshot');
    await sleep(100);
    expect(await late.peek('k')).toBeUndefined();
    expect(await late.peek('big9')).toEqual(big(9));
  });

  it('drops a key a follower missed the delete of at the next snapshot, and does not send it back to the others', async () => {
    const namespace = 'missed-delete';
    const leader = await open('leader', namespace, 300);
    await waitFor(async () => (await leader.stats()).refreshes >= 1, 'the leader to refresh');
    const [missing, other] = [await open('missing', namespace, 300), await open('other', namespace, 300)];
    for (const key of ['k1', 'k2']) await other.fetch(key);
    await waitFor(async () => (await missing.peek('k1')) !== undefined && (await leader.peek('k1')) !== undefined, 'k1 everywhere');

    // Cut the instance off for a moment (as a network blip would) and delete k1 meanwhile.
    const clients = String(await admin.client('LIST')).split('\n').filter((line) => line.includes('name=missing'));
    for (const line of clients) await admin.client('KILL', 'ID', /id=(\d+)/.exec(line)![1]);
    await other.delete('k1');
    await waitFor(async () => (await leader.peek('k1')) === undefined, 'the delete to reach the leader');
    expect(await missing.peek('k1')).toBeDefined(); // it missed it

    await waitFor(async () => (await missing.peek('k1')) === undefined, 'the next snapshot to drop k1 from the instance that missed the delete');
    await sleep(5 * 300); // several snapshots later, nobody has it back
    for (const instance of [leader, missing, other]) expect(await instance.peek('k1')).toBeUndefined();
    for (const instance of [leader, missing, other]) expect(await instance.peek('k2')).toMatchObject({ key: 'k2' });
  });

  it('sends the changes made while Redis was away once it is back', async () => {
    const namespace = 'queued';
    const [a, b] = [await open('a', namespace), await open('b', namespace)];
    await a.set('k', item('k', 'before the outage'));
    await waitFor(async () => (await b.peek('k'))?.by === 'before the outage', 'the first value on b');
    await redis.stop();
    // (Nest's static logger writes every app's lines to the logger of the last one booted: b's.)
    await waitFor(() => b.logger.at('warn', 'is unreachable').length >= 2, 'both to notice');
    await a.set('k', item('k', 'first while away'));
    await a.set('k', item('k', 'while Redis was away'));
    await a.delete('gone');
    await redis.restart();
    admin.disconnect();
    admin = new Redis(redis.url);
    await waitFor(async () => (await b.peek('k'))?.by === 'while Redis was away', 'the change made during the outage on b', 15_000);
  });

  it('does not publish a snapshot once its lease term is over, even before the leader noticed', async () => {
    const namespace = 'fenced';
    const leader = await open('leader', namespace, 300);
    await waitFor(async () => (await version(namespace)) > 0, 'the leader to share its first snapshot');
    await leader.set('k', item('k', 'from the old term'));
    // Its lease lapses and another instance's term begins (as after a long pause of the leader).
    await admin.set(`{${namespace}:items}:lease`, 'another-instance.1', 'PX', 60_000);
    const before = await version(namespace);
    await leader.store.dump();
    await sleep(4 * 300);
    expect(await version(namespace)).toBe(before);
    expect((await leader.stats()).refreshes).toBeGreaterThan(0);
  });
});
