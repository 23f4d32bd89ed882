import 'reflect-metadata';
import { type INestApplication, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { CacheWorkerConfigError, CacheWorkerModule } from '../../../lib/index.js';
import { CacheWorkerHealthIndicator, CacheWorkerHealthModule } from '../../../lib/health/index.js';
import { bootApp } from '../../support/nest-app.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';
import { HealthController } from '../support/health.controller.js';
import { Source, sourceStore } from '../support/source.js';

describe('CacheWorkerHealthIndicator with @nestjs/terminus', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let app: INestApplication;
  const prices = new Source();
  const rates = new Source();
  let dumpDir: string;
  const PricesStore = sourceStore({ bucket: 'prices', refreshInterval: null }, prices);
  let RatesStore: ReturnType<typeof sourceStore>;

  beforeAll(async () => {
    temp = await makeTempDir();
    dumpDir = join(temp.dir, 'dumps');
    await mkdir(dumpDir);
    RatesStore = sourceStore({ bucket: 'rates', refreshInterval: null, file: join(dumpDir, 'rates.dump'), dumpDelay: 0 }, rates);
    @Module({
      imports: [
        TerminusModule.forRoot(),
        CacheWorkerModule.forFeature([PricesStore, RatesStore]),
        CacheWorkerHealthModule.forRoot({ failedRefreshes: 2, maxDumpAge: 1_500 }),
      ],
      controllers: [HealthController],
    })
    class HealthAppModule {}
    app = await bootApp([HealthAppModule]);
    await app.get(RatesStore).dump();
  });

  afterAll(async () => {
    await app.close();
    await temp.remove();
  });

  const getHealth = () => request(app.getHttpServer()).get('/health');

  it('is up with the details of every bucket', async () => {
    const store = app.get(PricesStore);
    await store.fetch('a');
    await store.fetch('b');
    await store.fullRefresh();
    const response = await getHealth();
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    const prices = response.body.details.cache.buckets.prices;
    expect(prices).toMatchObject({
      status: 'up',
      entries: 2,
      lastRefreshResult: { refreshed: 2, failed: 0, skipped: 0 },
      failedRefreshesInARow: 0,
      failuresSinceLastSuccess: 0,
      dump: null,
    });
    expect(Date.parse(prices.lastRefreshAt)).not.toBeNaN();
    expect(Date.parse(prices.lastSuccessfulRefreshAt)).not.toBeNaN();
    expect(response.body.details.cache.buckets.rates).toMatchObject({ status: 'up', dump: { lastError: null, errors: 0 } });
  });

  it('is down after the configured number of refreshes that all failed, and up again when one succeeds', async () => {
    const store = app.get(PricesStore);
    prices.down = true;
    await store.fullRefresh();
    expect((await getHealth()).status).toBe(200); // one failed refresh is not enough
    await store.fullRefresh();
    const down = await getHealth();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.cache.status).toBe('down');
    expect(down.body.details.cache.buckets.prices).toMatchObject({
      status: 'down',
      reasons: ['the last 2 refreshes all failed'],
      failedRefreshesInARow: 2,
      failuresSinceLastSuccess: 4,
      lastRefreshResult: { refreshed: 0, failed: 2, skipped: 0 },
    });
    expect(down.body.details.cache.buckets.rates.status).toBe('up');
    expect(store.peek('a')).toBe('a@v1'); // down means stale, not lost

    prices.down = false;
    await store.fullRefresh();
    const up = await getHealth();
    expect(up.status).toBe(200);
    expect(up.body.details.cache.buckets.prices).toMatchObject({ status: 'up', failedRefreshesInARow: 0, failuresSinceLastSuccess: 0 });
  });

  it('is down while its last dump write failed, and when no dump was written for longer than maxDumpAge', async () => {
    const store = app.get(RatesStore);
    await rm(dumpDir, { recursive: true });
    await writeFile(dumpDir, 'a file where the dump folder was');
    expect((await store.dump()).ok).toBe(false);
    const failing = await getHealth();
    expect(failing.status).toBe(503);
    expect(failing.body.details.cache.buckets.rates.reasons).toEqual([expect.stringMatching(/^the last dump write failed: ENOTDIR/)]);
    await waitFor(async () => (await getHealth()).body.details.cache.buckets.rates.reasons.length === 2, 'the dump to be older than maxDumpAge');
    const down = (await getHealth()).body.details.cache.buckets.rates;
    expect(down.status).toBe('down');
    expect(down.reasons).toEqual([
      expect.stringMatching(/^the last dump write failed: ENOTDIR/),
      expect.stringMatching(/^the last dump is \d+ ms old \(limit 1500 ms\)$/),
    ]);
    expect(down.dump).toMatchObject({ lastError: expect.stringContaining('ENOTDIR'), errors: 1, maxAgeMs: 1_500 });

    await rm(dumpDir);
    await mkdir(dumpDir);
    expect((await store.dump()).ok).toBe(true);
    const up = (await getHealth()).body.details.cache.buckets.rates;
    expect(up).toMatchObject({ status: 'up', dump: { lastError: null, errors: 1 } });
  });

  it('checks only the buckets it is asked for', () => {
    const result = app.get(CacheWorkerHealthIndicator).isHealthy('rates-only', ['rates']);
    expect(Object.keys(result['rates-only'].buckets)).toEqual(['rates']);
  });

  it('rejects invalid options, naming the field', () => {
    expect(() => CacheWorkerHealthModule.forRoot({ failedRefreshes: 0 })).toThrow(CacheWorkerConfigError);
    expect(() => CacheWorkerHealthModule.forRoot({ failedRefreshes: 0 })).toThrow('option "failedRefreshes"');
    expect(() => CacheWorkerHealthModule.forRoot({ maxDumpAge: -1 })).toThrow('option "maxDumpAge"');
  });
});
