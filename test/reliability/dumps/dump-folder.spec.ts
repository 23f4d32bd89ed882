import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { CacheWorkerModule } from '../../../lib/index.js';
import { CacheWorkerHealthModule } from '../../../lib/health/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { HealthController } from '../support/health.controller.js';
import { Source, sourceStore } from '../support/source.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => (temp = await makeTempDir()));
afterAll(() => temp.remove());

/** An app with one bucket dumped to `file`, and the health endpoint. */
async function bootWithDumpAt(file: string, source: Source, logger = new RecordingLogger()) {
  const Store = sourceStore({ bucket: 'orders', refreshInterval: null, file, dumpDelay: 0 }, source);
  @Module({
    imports: [TerminusModule.forRoot(), CacheWorkerModule.forFeature([Store]), CacheWorkerHealthModule.forRoot()],
    controllers: [HealthController],
  })
  class AppModule {}
  const app = await bootApp([AppModule], logger);
  return { app, store: app.get(Store), logger, health: () => request(app.getHttpServer()).get('/health') };
}

describe('the folder of the dump file', () => {
  it('is created when missing (with its parents, mode 0700), so the next start is warm', async () => {
    const file = join(temp.dir, 'missing', 'nested', 'orders.dump');
    const source = new Source();
    const first = await bootWithDumpAt(file, source);
    expect((await stat(join(temp.dir, 'missing'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(temp.dir, 'missing', 'nested'))).mode & 0o777).toBe(0o700);
    expect(await first.store.fetch('a')).toEqual({ ok: true, value: 'a@v1', loaded: true });
    await first.app.close();
    expect(first.logger.at('error')).toEqual([]);

    const second = await bootWithDumpAt(file, source);
    expect(second.store.stats()).toMatchObject({ startedFrom: 'dump', size: 1 });
    expect(await second.store.fetch('a')).toEqual({ ok: true, value: 'a@v1', loaded: false });
    expect(source.calls).toBe(1);
    await second.app.close();
  });

  it('is created again by the next dump when it was removed while the app runs', async () => {
    const dir = join(temp.dir, 'removed');
    const file = join(dir, 'orders.dump');
    const { app, store, logger } = await bootWithDumpAt(file, new Source());
    await store.fetch('a');
    expect((await store.dump()).ok).toBe(true); // after the write the load asked for
    await rm(dir, { recursive: true });
    expect(await store.dump()).toMatchObject({ ok: true, entries: 1 });
    expect(await readdir(dir)).toEqual(['orders.dump']);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(logger.at('error')).toEqual([]);
    await app.close();
  });

  it('that can never be written is loud at startup: an error, stats() and health down, while reads go on', async () => {
    const blocker = join(temp.dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const file = join(blocker, 'orders.dump');
    const { app, store, logger, health } = await bootWithDumpAt(file, new Source());

    const bucketErrors = () => logger.at('error').filter((line) => line.context === 'CacheWorker:orders');
    expect(bucketErrors()).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^dump to .* failed: ENOTDIR.*; the bucket keeps serving and the next dump retries$/) }),
    ]);
    expect(store.stats()).toMatchObject({ dumps: 0, dumpErrors: 0, lastDumpError: expect.stringContaining('ENOTDIR') });
    const response = await health();
    expect(response.status).toBe(503);
    expect(response.body.details.cache.buckets.orders).toMatchObject({
      status: 'down',
      reasons: [expect.stringMatching(/^the last dump write failed: ENOTDIR/)],
    });
    expect(await store.fetch('a')).toEqual({ ok: true, value: 'a@v1', loaded: true });
    expect((await store.dump()).ok).toBe(false);
    expect(store.stats().dumpErrors).toBe(1);
    await app.close(); // the final dump fails the same way: not logged again
    expect(bucketErrors()).toHaveLength(1);
  });
});
