import { crc32 } from 'node:zlib';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { Redis } from 'ioredis';
import {
  CACHE_WORKER_EVENTS,
  CacheWorker,
  CacheWorkerModule,
  CacheWorkerStore,
  type CacheWorkerSnapshotAppliedEvent,
  type LoadResult,
} from '../../lib/index.js';
import { decodeHeader, encodeHeader } from '../../lib/store/persistence/index.js';
import { bootApp } from '../support/nest-app.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { waitFor } from '../support/wait-for.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';

interface Versioned {
  key: string;
  version: number;
}

/** What the source holds: the version of each key (0 unless a test changes it). */
const source: Record<string, number> = {};

describe('cluster mode: applying a snapshot', () => {
  let redis: RedisServer;
  let client: Redis;
  const opened: Array<{ close(): Promise<void> }> = [];

  /**
   * An instance of an app with one bucket, `versions`, whose values come from `source`; its
   * `cache-worker.snapshot-applied` events are in `applied` (the app imports `EventEmitterModule`).
   */
  async function open(namespace: string, refreshInterval: number) {
    @CacheWorker({ bucket: 'versions' })
    class VersionStore extends CacheWorkerStore<string, Versioned> {
      load(key: string): LoadResult<Versioned> {
        return { ok: true, value: { key, version: source[key] ?? 0 } };
      }
    }
    const logger = new RecordingLogger();
    const app = await bootApp(
      [
        EventEmitterModule.forRoot(),
        CacheWorkerModule.forRoot({ cluster: { redis: redis.url, namespace } }),
        CacheWorkerModule.forFeature([{ store: VersionStore, refreshInterval }]),
      ],
      logger,
    );
    opened.push(app);
    const applied: CacheWorkerSnapshotAppliedEvent[] = [];
    app.get(EventEmitter2).on(CACHE_WORKER_EVENTS.snapshotApplied, (event: CacheWorkerSnapshotAppliedEvent) => applied.push(event));
    return { store: app.get(VersionStore), logger, applied };
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
  });

  afterEach(async () => {
    for (const app of opened.splice(0).reverse()) await app.close().catch(() => undefined);
  });

  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('a running follower keeps the value it holds when the next snapshot brings the same data, and takes a changed one', async () => {
    const leader = await open('same-data', 200);
    await leader.store.fetch('same');
    await leader.store.fetch('changes');
    await waitFor(async () => (await client.get('{same-data:versions}:lease')) !== null, 'the first instance to take the lease');
    await waitFor(async () => Number(await client.hget('{same-data:versions}:snapshot', 'version')) > 0, 'a shared snapshot');
    const follower = await open('same-data', 200);
    expect(follower.store.stats().startedFrom).toBe('snapshot');
    const held = follower.store.peek('same')!;
    expect(held).toEqual({ key: 'same', version: 0 });

    source.changes = 1; // only the leader's refreshes load it, and only its snapshots bring it here
    await waitFor(() => follower.store.peek('changes')?.version === 1, 'the follower to apply a snapshot with the changed value');
    expect(follower.store.peek('changes')).toEqual({ key: 'changes', version: 1 });
    // The leader loaded 'same' again on each refresh (a new object each time); the follower kept its own.
    expect(follower.store.peek('same')).toBe(held);
    expect(leader.store.peek('same')).not.toBe(held);
  });

  it('a running instance tells each snapshot it applied (cache-worker.snapshot-applied), not the one it started from', async () => {
    const writer = await open('applied-event', 0);
    for (let i = 0; i < 3; i++) writer.store.set(`k${i}`, { key: `k${i}`, version: 0 });
    await writer.store.dump();
    const reader = await open('applied-event', 0);
    expect(reader.store.stats().startedFrom).toBe('snapshot');
    expect(reader.applied).toEqual([]);

    writer.store.set('k3', { key: 'k3', version: 0 });
    await writer.store.dump();
    const version = Number(await client.hget('{applied-event:versions}:snapshot', 'version'));
    await waitFor(() => reader.applied.length === 1, 'the reader to apply the next snapshot');
    expect(reader.applied[0]).toEqual({ bucket: 'versions', version, entries: 4, durationMs: expect.any(Number) });
    expect(reader.applied[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(reader.store.size).toBe(4);
    expect(writer.applied).toEqual([]); // its own snapshot is none it applies
  });

  it('starts without a snapshot whose checksums hold but one of whose chunks can not be decoded, and says which', async () => {
    const writer = await open('bad-chunk', 0);
    for (let i = 0; i < 5_000; i++) writer.store.set(`k${i}`, { key: `k${i}`, version: i });
    await writer.store.dump();
    const [writeId, count, bytes] = await client.hmget('{bad-chunk:versions}:snapshot', 'writer', 'chunks', 'bytes');
    const valueKey = (index: number) => `{bad-chunk:versions}:snapshot:${writeId}:${index}`;
    expect(Number(count)).toBe(2); // the header, then the payload in one value
    const payload = (await client.getBuffer(valueKey(1)))!;
    const header = decodeHeader((await client.getBuffer(valueKey(0)))!, Number(bytes), 'versions');
    // The second chunk's JSON text loses its closing bracket: the bytes are checked again, the chunk no longer decodes.
    const second = 4 + payload.readUInt32LE(0);
    const secondEnd = second + 4 + payload.readUInt32LE(second);
    expect(payload[second + 4]).toBe(0x5b);
    payload[secondEnd - 1] = 0x20;
    await client.set(valueKey(1), payload);
    await client.set(valueKey(0), encodeHeader({ ...header, payloadCrc: crc32(payload) }));
    await client.hset('{bad-chunk:versions}:snapshot', 'checksums', String(crc32(payload)));

    const reader = await open('bad-chunk', 0);
    expect(reader.store.stats().startedFrom).toBe('empty');
    expect(reader.store.size).toBe(0);
    const said = `shared snapshot can't be used: the chunk at byte ${header.payloadStart + second} can't be read`;
    expect(reader.logger.at('warn', said)).toHaveLength(1);
  });

  it('reads a snapshot whose writer published no checksums of its values (an older version) by checking it whole first', async () => {
    const writer = await open('no-checksums', 0);
    for (let i = 0; i < 5_000; i++) writer.store.set(`k${i}`, { key: `k${i}`, version: i });
    await writer.store.dump();
    const hash = '{no-checksums:versions}:snapshot';
    expect((await client.hget(hash, 'checksums'))?.split(',')).toHaveLength(1);
    await client.hdel(hash, 'checksums');
    const reader = await open('no-checksums', 0);
    expect(reader.store.stats().startedFrom).toBe('snapshot');
    expect(reader.store.size).toBe(5_000);
    expect(reader.store.peek('k4999')).toEqual({ key: 'k4999', version: 4999 });

    // Corrupt, it is refused before any entry is stored.
    const writeId = await client.hget(hash, 'writer');
    const valueKey = `{no-checksums:versions}:snapshot:${writeId}:1`;
    const payload = (await client.getBuffer(valueKey))!;
    payload[payload.length - 3] ^= 0xff;
    await client.set(valueKey, payload);
    const third = await open('no-checksums', 0);
    expect(third.store.stats().startedFrom).toBe('empty');
    expect(third.logger.at('warn', "shared snapshot can't be used: the payload checksum does not match")).toHaveLength(1);
  });
});
