import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../lib/index.js';
import { bootApp } from './support/nest-app.js';
import { RecordingLogger } from './support/recording-logger.js';
import { makeTempDir } from './support/temp-dir.js';

/** Every value of this test contains it, so a value in a log line is easy to spot. */
const SECRET = 'SECRET-VALUE-7f3a';

@CacheWorker({ bucket: 'audited', refreshInterval: null, dumpDelay: 0 })
class AuditedStore extends CacheWorkerStore<string, { payload: string } | (() => string)> {
  load(key: string): LoadResult<{ payload: string }> {
    if (key === 'broken') throw new Error('source exploded');
    if (key === 'refused') return { ok: false, error: 'not allowed' };
    return { ok: true, value: { payload: `${SECRET} ${key}` }, extra: { [`${key}-sibling`]: { payload: SECRET } } };
  }
  override init() {
    return { ok: true as const, seed: { seeded: { payload: SECRET } } };
  }
  override refreshFilter(key: string): boolean {
    if (key === 'seeded') throw new Error('filter broke');
    return key !== 'kept';
  }
}

describe('logging', () => {
  it('logs with context CacheWorker:<bucket> at the documented levels, each caught error once with its key, never a value', async () => {
    const { dir, remove } = await makeTempDir();
    const logger = new RecordingLogger();
    const app = await bootApp([CacheWorkerModule.forFeature([{ store: AuditedStore, file: join(dir, 'audited.dump') }])], logger);
    const store = app.get(AuditedStore);

    await store.fetch('a');
    await store.fetch('kept');
    await store.fetch('broken');
    await store.fetch('refused');
    await store.fullRefresh();
    store.set('fn', () => SECRET);
    await app.close();
    await remove();

    const own = logger.lines.filter((line) => line.context?.startsWith('CacheWorker'));
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((line) => line.context))).toEqual(new Set(['CacheWorker:audited']));

    // debug for loads, warn for caught callback errors (once each, with the key), log for refresh summaries
    expect(logger.at('debug', 'load("a") took')).toHaveLength(2); // the fetch and the refresh
    expect(logger.at('warn', 'load("broken") failed: source exploded')).toHaveLength(1);
    expect(logger.at('warn', 'load("refused") failed: not allowed')).toHaveLength(1);
    expect(logger.at('warn', 'refreshFilter("seeded") threw: filter broke')).toHaveLength(1);
    expect(logger.at('log', 'refresh: ')).toHaveLength(1);
    expect(logger.at('log', 'refresh: ')[0]!.message).toMatch(/^refresh: 3 refreshed, 1 failed, 1 skipped in \d+ ms$/);
    expect(logger.at('warn', "can't be serialized").length).toBeGreaterThan(0);

    expect(logger.lines.filter((line) => line.message.includes(SECRET))).toEqual([]);
  });

  it('goes to the logger given to NestFactory', async () => {
    const logger = new RecordingLogger();
    @Module({ imports: [CacheWorkerModule.forFeature([AuditedStore])] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger });
    await app.get(AuditedStore).fetch('refused');
    await app.close();
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'load("refused") failed: not allowed',
      context: 'CacheWorker:audited',
    });
  });

  it('redactKeys replaces keys in log lines with a hash', async () => {
    const logger = new RecordingLogger();
    const app = await bootApp(
      [CacheWorkerModule.forFeature([{ store: AuditedStore, redactKeys: true }])],
      logger,
    );
    await app.get(AuditedStore).fetch('broken');
    await app.close();
    const failure = logger.at('warn', 'failed: source exploded');
    expect(failure).toHaveLength(1);
    expect(failure[0]!.message).toMatch(/^load\(#[0-9a-f]{12}\) failed/);
    expect(logger.lines.filter((line) => line.message.includes('broken'))).toEqual([]);
  });
});
