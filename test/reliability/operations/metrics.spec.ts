import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Registry, register } from 'prom-client';
import { CacheWorkerConfigError, CacheWorkerModule } from '../../../lib/index.js';
import { CacheWorkerMetricsModule } from '../../../lib/metrics/index.js';
import { bootApp } from '../../support/nest-app.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { readAndRefresh, Source, sourceStore } from '../support/source.js';

/** The value of one sample of the Prometheus text format, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics through prom-client', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let app: INestApplication;
  const source = new Source();
  let WidgetStore: ReturnType<typeof sourceStore>;

  beforeAll(async () => {
    temp = await makeTempDir();
    WidgetStore = sourceStore({ bucket: 'widgets', refreshInterval: null, file: join(temp.dir, 'widgets.dump') }, source);
    app = await bootApp([CacheWorkerModule.forFeature([WidgetStore]), CacheWorkerMetricsModule.forRoot()]);
  });

  afterAll(async () => {
    await app.close();
    await temp.remove();
  });

  it('exports counters, gauges and histograms of every bucket in the global registry', async () => {
    const store = app.get(WidgetStore);
    await readAndRefresh(store, source);
    const text = await register.metrics();
    expect(text).toContain('# HELP cache_worker_hits_total Reads answered from the bucket without loading');
    expect(text).toContain('# TYPE cache_worker_hits_total counter');
    expect(sample(text, 'cache_worker_hits_total{bucket="widgets"}')).toBe(1);
    expect(sample(text, 'cache_worker_misses_total{bucket="widgets"}')).toBe(3);
    expect(sample(text, 'cache_worker_loads_total{bucket="widgets"}')).toBe(5);
    expect(sample(text, 'cache_worker_load_errors_total{bucket="widgets"}')).toBe(1);
    expect(sample(text, 'cache_worker_refreshes_total{bucket="widgets"}')).toBe(1);
    expect(sample(text, 'cache_worker_refresh_failures_total{bucket="widgets"}')).toBe(0);
    expect(sample(text, 'cache_worker_entries{bucket="widgets"}')).toBe(2);
    expect(sample(text, 'cache_worker_dumps_total{bucket="widgets"}')).toBe(1);
    expect(sample(text, 'cache_worker_dump_errors_total{bucket="widgets"}')).toBe(0);
    expect(sample(text, 'cache_worker_dump_bytes{bucket="widgets"}')).toBe(store.stats().lastDumpBytes);
    expect(text).toContain('# TYPE cache_worker_load_duration_seconds histogram');
    expect(sample(text, 'cache_worker_load_duration_seconds_count{bucket="widgets",result="ok"}')).toBe(4);
    expect(sample(text, 'cache_worker_load_duration_seconds_count{bucket="widgets",result="error"}')).toBe(1);
    expect(sample(text, 'cache_worker_refresh_duration_seconds_count{bucket="widgets"}')).toBe(1);
    expect(sample(text, 'cache_worker_dump_duration_seconds_count{bucket="widgets"}')).toBe(1);
  });

  it('reads the counters again at every scrape', async () => {
    const before = sample(await register.metrics(), 'cache_worker_hits_total{bucket="widgets"}')!;
    await app.get(WidgetStore).fetch('a');
    expect(sample(await register.metrics(), 'cache_worker_hits_total{bucket="widgets"}')).toBe(before + 1);
  });

  it('removes its metrics from the registry when the app closes, so another app can register them', async () => {
    const registry = new Registry();
    const Store = sourceStore({ bucket: 'short-lived', refreshInterval: null }, new Source());
    const imports = [CacheWorkerModule.forFeature([Store]), CacheWorkerMetricsModule.forRoot({ registry, prefix: 'app_cache_' })];
    const first = await bootApp(imports);
    expect(await registry.metrics()).toContain('app_cache_entries{bucket="short-lived"} 0');
    await first.close();
    expect(await registry.metrics()).not.toContain('app_cache_');
    const second = await bootApp(imports);
    expect(await registry.metrics()).toContain('app_cache_entries{bucket="short-lived"} 0');
    await second.close();
  });

  it('rejects an invalid prefix, naming the field', () => {
    expect(() => CacheWorkerMetricsModule.forRoot({ prefix: 'cache-worker' })).toThrow(CacheWorkerConfigError);
    expect(() => CacheWorkerMetricsModule.forRoot({ prefix: 'cache-worker' })).toThrow('option "prefix"');
  });

  it('is served at GET /metrics by @willsoto/nestjs-prometheus in an app built on the package', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'prometheus-app.child.mjs')], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { port } = JSON.parse(line) as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(sample(text, 'cache_worker_hits_total{bucket="prices"}')).toBe(1);
      expect(sample(text, 'cache_worker_misses_total{bucket="prices"}')).toBe(2);
      expect(sample(text, 'cache_worker_load_errors_total{bucket="prices"}')).toBe(1);
      expect(sample(text, 'cache_worker_entries{bucket="prices"}')).toBe(1);
      expect(sample(text, 'cache_worker_load_duration_seconds_count{bucket="prices",result="ok"}')).toBe(1);
      expect(text).toContain('process_cpu_user_seconds_total'); // the Prometheus module's own default metrics, same registry
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });
});
