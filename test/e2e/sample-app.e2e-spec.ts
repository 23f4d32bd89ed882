import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../sample-app/src/app.module.js';
import { boardOptions } from '../../sample-app/src/sample.config.js';
import { WidgetApi } from '../../sample-app/src/widgets/index.js';
import { SAMPLE_MAIN, startSample, stopSample } from '../support/sample-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const ENV_NAMES = ['WIDGET_DUMP_FILE', 'WIDGET_REFRESH_MS'] as const;

let dir: string;
let remove: () => Promise<void>;
let dumpFile: string;
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
const apps: INestApplication[] = [];

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir('ncw-sample-'));
  dumpFile = join(dir, 'widgets.dump');
  process.env.WIDGET_DUMP_FILE = dumpFile;
  process.env.WIDGET_REFRESH_MS = '0';
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  for (const name of ENV_NAMES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await remove();
});

/** Boots the sample's AppModule on a free port of 127.0.0.1, as `main.ts` does. */
async function boot(): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

async function close(app: INestApplication): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sample app over HTTP', () => {
  it('loads a widget from the slow source once, then answers from memory', async () => {
    const app = await boot();
    const http = request(app.getHttpServer());

    const first = await http.get('/widgets/7').expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.body).toMatchObject({ id: '7', name: 'Widget 7' });

    const second = await http.get('/widgets/7').expect(200);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toEqual(first.body);

    await http.get('/widgets/12').expect(200);
    expect((await http.get('/widgets').expect(200)).body).toEqual(['7', '12']);
    expect(app.get(WidgetApi).calls).toBe(2);

    const stats = (await http.get('/stats').expect(200)).body;
    expect(stats).toMatchObject({ bucket: 'widgets', size: 2, hits: 1, loads: 2, loadErrors: 0, startedFrom: 'empty' });
  });

  it('serves GET /widgets?ids= from one bulk call of the source, and later reads from memory', async () => {
    const app = await boot();
    const http = request(app.getHttpServer());

    const page = await http.get('/widgets?ids=3,1,nope,2').expect(200);
    expect(page.body).toEqual([
      expect.objectContaining({ id: '3', name: 'Widget 3' }),
      expect.objectContaining({ id: '1', name: 'Widget 1' }),
      null,
      expect.objectContaining({ id: '2', name: 'Widget 2' }),
    ]);
    expect(app.get(WidgetApi).calls).toBe(1);

    expect((await http.get('/widgets/1').expect(200)).headers['x-cache']).toBe('HIT');
    await http.get('/widgets?ids=1,2,3').expect(200);
    expect(app.get(WidgetApi).calls).toBe(1);
    expect((await http.get('/stats').expect(200)).body).toMatchObject({ size: 3, loads: 4, loadErrors: 1, batches: 1, batchedKeys: 4 });
  });

  it('answers 404 for an id the source does not know, and caches nothing for it', async () => {
    const app = await boot();
    const http = request(app.getHttpServer());

    const missing = await http.get('/widgets/nope').expect(404);
    expect(missing.body.message).toBe('widget "nope" does not exist');
    await http.get('/widgets/1001').expect(404);
    expect((await http.get('/widgets').expect(200)).body).toEqual([]);
    expect((await http.get('/stats').expect(200)).body).toMatchObject({ size: 0, loadErrors: 2 });
  });

  it('answers from the dump after a restart, without calling the slow source', async () => {
    const first = await boot();
    const before = (await request(first.getHttpServer()).get('/widgets/7').expect(200)).body;
    await request(first.getHttpServer()).get('/widgets/12').expect(200);
    await close(first);
    expect(existsSync(dumpFile)).toBe(true);

    const second = await boot();
    const http = request(second.getHttpServer());
    expect((await http.get('/widgets').expect(200)).body).toEqual(['7', '12']);

    const after = await http.get('/widgets/7').expect(200);
    expect(after.headers['x-cache']).toBe('HIT');
    expect(after.body).toEqual(before);
    expect(second.get(WidgetApi).calls).toBe(0);
    expect((await http.get('/stats').expect(200)).body).toMatchObject({ startedFrom: 'dump', loads: 0, hits: 1 });
  });

  it('refreshes cached widgets in the background every WIDGET_REFRESH_MS', async () => {
    process.env.WIDGET_REFRESH_MS = '200';
    const app = await boot();
    const http = request(app.getHttpServer());
    const loaded = (await http.get('/widgets/3').expect(200)).body;

    const stats = await waitFor(
      async () => (await http.get('/stats')).body,
      (body) => body.lastRefreshResult?.refreshed >= 1,
    );
    expect(stats.lastRefreshResult.refreshed).toBeGreaterThanOrEqual(1);

    const refreshed = await http.get('/widgets/3').expect(200);
    expect(refreshed.headers['x-cache']).toBe('HIT');
    expect(refreshed.body).toMatchObject({ id: '3', name: 'Widget 3' });
    expect(refreshed.body.fetchedAt).not.toBe(loaded.fetchedAt);
  });

  it('reports the widget bucket on GET /health and GET /metrics', async () => {
    const app = await boot();
    const http = request(app.getHttpServer());
    await http.get('/widgets/7').expect(200);
    await http.get('/widgets/7').expect(200);
    await http.get('/widgets/nope').expect(404);

    const health = (await http.get('/health').expect(200)).body;
    expect(health.status).toBe('ok');
    expect(health.details.cache.buckets.widgets).toMatchObject({ status: 'up', entries: 1, startedFrom: 'empty' });

    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.text).toContain('cache_worker_hits_total{bucket="widgets"} 1');
    expect(metrics.text).toContain('cache_worker_loads_total{bucket="widgets"} 2');
    expect(metrics.text).toContain('cache_worker_load_errors_total{bucket="widgets"} 1');
    expect(metrics.text).toContain('cache_worker_entries{bucket="widgets"} 1');
    expect(metrics.text).toMatch(/cache_worker_load_duration_seconds_count\{[^}]*bucket="widgets"[^}]*\} \d/);
  });

  it('mounts the cache board at /cache-worker, read-only unless CACHE_BOARD_WRITABLE=1', async () => {
    const app = await boot();
    const http = request(app.getHttpServer());
    await http.get('/widgets/7').expect(200);
    await http.get('/cache-worker').expect(200).expect('Content-Type', /text\/html/);
    const board = (await http.get('/cache-worker/api/buckets').expect(200)).body;
    expect(board).toMatchObject({ readOnly: true, showValues: false });
    expect(board.buckets).toMatchObject([{ bucket: 'widgets', entries: 1, loads: 1, clusterRole: 'local', health: { status: 'up' } }]);
    await http.post('/cache-worker/api/buckets/widgets/clear').expect(404);
    expect(boardOptions({ CACHE_BOARD_WRITABLE: '1', CACHE_BOARD_SAMPLE_MS: '2000' })).toEqual({ readOnly: false, sampleInterval: 2000 });
    expect(boardOptions({})).toEqual({ readOnly: true });
  });

  it('fails to boot with a message naming the variable when WIDGET_REFRESH_MS is not a number', async () => {
    process.env.WIDGET_REFRESH_MS = 'soon';
    await expect(boot()).rejects.toThrow('environment variable WIDGET_REFRESH_MS must be a whole number, got "soon"');
  });
});

describe('the built sample app, as npm start runs it', () => {
  it('records spans at GET /traces: a miss is a cache_worker.load_batch under its request span, a hit has none', async () => {
    interface TraceView {
      traceId: string;
      spans: Array<{ name: string; spanId: string; parentSpanId: string | null; attributes: Record<string, unknown> }>;
    }
    const sample = await startSample({ WIDGET_DUMP_FILE: `${dumpFile}.traces`, WIDGET_REFRESH_MS: '0' });
    try {
      const http = () => request(`http://127.0.0.1:${sample.port}`);
      await http().get('/widgets/8').expect(200); // a miss: the slow source is called
      await http().get('/widgets/8').expect(200); // a hit
      const requests = await waitFor(
        async () => ((await http().get('/traces').expect(200)).body as TraceView[]).filter((trace) => trace.spans.some((span) => span.name === 'GET /widgets/8')),
        (found) => found.length === 2,
      );
      const [hit, miss] = requests; // newest first
      expect(hit!.spans.map((span) => span.name)).toEqual(['GET /widgets/8']);
      const requestSpan = miss!.spans.find((span) => span.name === 'GET /widgets/8');
      // The widget store answers through its bulk source (loadMany): the miss is a batch of one key.
      expect(miss!.spans.find((span) => span.name === 'cache_worker.load_batch')).toMatchObject({
        parentSpanId: requestSpan!.spanId,
        attributes: { 'cache_worker.bucket': 'widgets', 'cache_worker.batch.size': 1, 'cache_worker.batch.failed': 0, 'cache_worker.result': 'ok' },
      });
      expect(sample.output()).toContain('OpenTelemetry: spans on, metrics off');
    } finally {
      await stopSample(sample);
    }
  }, 60_000);

  it('serves a widget, writes its dump on SIGTERM, and answers it from the dump on the next start', async () => {
    expect(existsSync(SAMPLE_MAIN)).toBe(true); // built by `npm test` (npm run build:sample)

    const first = await startSample({ WIDGET_DUMP_FILE: dumpFile, WIDGET_REFRESH_MS: '0' });
    try {
      const miss = await request(`http://127.0.0.1:${first.port}`).get('/widgets/5').expect(200);
      expect(miss.headers['x-cache']).toBe('MISS');
      expect(miss.body).toMatchObject({ id: '5', name: 'Widget 5' });
    } finally {
      await stopSample(first);
    }
    expect(existsSync(dumpFile)).toBe(true);

    const second = await startSample({ WIDGET_DUMP_FILE: dumpFile, WIDGET_REFRESH_MS: '0' });
    try {
      const hit = await request(`http://127.0.0.1:${second.port}`).get('/widgets/5').expect(200);
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(second.output()).toContain(`loaded 1 entries from ${dumpFile}`);
    } finally {
      await stopSample(second);
    }
  }, 90_000);
});
