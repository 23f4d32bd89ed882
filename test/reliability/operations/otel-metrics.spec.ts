import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../../lib/index.js';
import { CacheWorkerMetricsModule } from '../../../lib/metrics/index.js';
import { CacheWorkerOtelModule } from '../../../lib/otel/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { startMetrics, type Metrics } from '../support/otel-sdk.js';
import { readAndRefresh, Source, sourceStore } from '../support/source.js';

type Collected = Awaited<ReturnType<Metrics['collect']>>;

/** A bounded bucket whose source answers in bulk, and has no value for keys starting with `bad`. */
@CacheWorker({ bucket: 'bulk', refreshInterval: null, maxEntries: 2 })
class BulkStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: key };
  }
  override loadMany(keys: string[]): Array<LoadResult<string>> {
    return keys.map((key) => (key.startsWith('bad') ? { ok: false, error: `no ${key}` } : { ok: true, value: key.toUpperCase() }));
  }
}

/** The value of a sum's point with these attributes, or a histogram's count. */
function valueOf(collected: Collected, name: string, attributes: Record<string, string>): number | undefined {
  const point = collected.get(name)?.points.find((candidate) => JSON.stringify(candidate.attributes) === JSON.stringify(attributes));
  if (point === undefined) return undefined;
  return typeof point.value === 'number' ? point.value : (point.value as Histogram).count;
}

describe('OpenTelemetry metrics', () => {
  let sdk: Metrics;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let app: INestApplication;
  const logger = new RecordingLogger();
  const registry = new Registry();
  const source = new Source();
  let WidgetStore: ReturnType<typeof sourceStore>;
  const widgets = { 'cache_worker.bucket': 'widgets' };

  beforeAll(async () => {
    sdk = startMetrics();
    temp = await makeTempDir();
    WidgetStore = sourceStore({ bucket: 'widgets', refreshInterval: null, file: join(temp.dir, 'widgets.dump') }, source);
    app = await bootApp(
      [CacheWorkerModule.forFeature([WidgetStore, BulkStore]), CacheWorkerOtelModule.forRoot(), CacheWorkerMetricsModule.forRoot({ registry })],
      logger,
    );
  });

  afterAll(async () => {
    await app.close();
    await sdk.stop();
    await temp.remove();
  });

  it('says at startup that metrics are on and spans are off when only a meter provider is registered', () => {
    expect(logger.at('log').map((line) => line.message)).toContain(
      'OpenTelemetry: spans off (no tracer provider is registered: start the OpenTelemetry SDK before the app is created), metrics on',
    );
  });

  it('records hits, misses, loads, errors, refreshes, entries, dumps and durations of real reads', async () => {
    const store = app.get(WidgetStore);
    await readAndRefresh(store, source);
    const collected = await sdk.collect();
    expect(valueOf(collected, 'cache_worker.hits', widgets)).toBe(1);
    expect(valueOf(collected, 'cache_worker.misses', widgets)).toBe(3);
    expect(valueOf(collected, 'cache_worker.loads', widgets)).toBe(5);
    expect(valueOf(collected, 'cache_worker.load.errors', widgets)).toBe(1);
    expect(valueOf(collected, 'cache_worker.refreshes', widgets)).toBe(1);
    expect(valueOf(collected, 'cache_worker.refresh.failures', widgets)).toBe(0);
    expect(valueOf(collected, 'cache_worker.entries', widgets)).toBe(2);
    expect(valueOf(collected, 'cache_worker.dumps', widgets)).toBe(1);
    expect(valueOf(collected, 'cache_worker.dump.errors', widgets)).toBe(0);
    expect(valueOf(collected, 'cache_worker.dump.size', widgets)).toBe(store.stats().lastDumpBytes);
    expect(valueOf(collected, 'cache_worker.load.duration', { ...widgets, 'cache_worker.result': 'ok' })).toBe(4);
    expect(valueOf(collected, 'cache_worker.load.duration', { ...widgets, 'cache_worker.result': 'error' })).toBe(1);
    expect(valueOf(collected, 'cache_worker.refresh.duration', widgets)).toBe(1);
    expect(valueOf(collected, 'cache_worker.dump.duration', widgets)).toBe(1);

    expect(collected.get('cache_worker.hits')).toMatchObject({ kind: 'counter', unit: '{hit}', description: 'Reads answered from the bucket without loading' });
    expect(collected.get('cache_worker.entries')).toMatchObject({ kind: 'up-down counter', unit: '{entry}' });
    expect(collected.get('cache_worker.dump.size')).toMatchObject({ kind: 'up-down counter', unit: 'By' });
    expect(collected.get('cache_worker.load.duration')).toMatchObject({ kind: 'histogram', unit: 's' });
  });

  it('records loadMany calls, the keys asked in them, their durations, and evictions', async () => {
    const bulk = app.get(BulkStore);
    expect(await bulk.getMany(['a', 'b', 'c', 'bad-d'])).toEqual(['A', 'B', 'C', undefined]);
    const collected = await sdk.collect();
    const attributes = { 'cache_worker.bucket': 'bulk' };
    const stats = bulk.stats();
    expect(valueOf(collected, 'cache_worker.batches', attributes)).toBe(1);
    expect(valueOf(collected, 'cache_worker.batched_keys', attributes)).toBe(4);
    expect(valueOf(collected, 'cache_worker.batch.duration', { ...attributes, 'cache_worker.result': 'ok' })).toBe(1);
    expect(stats.evictions).toBeGreaterThan(0);
    expect(valueOf(collected, 'cache_worker.evictions', attributes)).toBe(stats.evictions);
    expect(valueOf(collected, 'cache_worker.evictions', widgets)).toBe(0);
  });

  it('reads the counters again at every collection', async () => {
    const before = valueOf(await sdk.collect(), 'cache_worker.hits', widgets)!;
    await app.get(WidgetStore).fetch('a');
    expect(valueOf(await sdk.collect(), 'cache_worker.hits', widgets)).toBe(before + 1);
  });

  it('has the same set as the Prometheus module: one metric for each, same description and kind, same histogram buckets', async () => {
    const collected = await sdk.collect();
    const prometheus = await registry.getMetricsAsJSON();
    const otelKind = { counter: 'counter', gauge: 'up-down counter', histogram: 'histogram' } as Record<string, string>;
    const fromPrometheus = prometheus.map((metric) => ({ description: metric.help, kind: otelKind[metric.type] })).sort(byDescription);
    const fromOtel = [...collected.values()].map(({ description, kind }) => ({ description, kind })).sort(byDescription);
    expect(fromOtel).toEqual(fromPrometheus);

    const prometheusBounds = (prometheus.find((metric) => metric.name === 'cache_worker_load_duration_seconds')!.values as Array<{ labels: { le?: number | string } }>)
      .map((value) => value.labels.le)
      .filter((le): le is number => typeof le === 'number');
    const otelBounds = (collected.get('cache_worker.load.duration')!.points[0]!.value as Histogram).buckets.boundaries;
    expect(otelBounds).toEqual([...new Set(prometheusBounds)]);
  });

  it('records nothing with metrics: false, and says so at startup', async () => {
    const Quiet = sourceStore({ bucket: 'quiet', refreshInterval: null }, new Source());
    const quietLogger = new RecordingLogger();
    const quiet = await bootApp([CacheWorkerModule.forFeature([Quiet]), CacheWorkerOtelModule.forRoot({ metrics: false })], quietLogger);
    try {
      await quiet.get(Quiet).fetch('a');
      const collected = await sdk.collect();
      expect(valueOf(collected, 'cache_worker.entries', widgets)).toBe(2); // the other app's buckets are there
      expect(valueOf(collected, 'cache_worker.entries', { 'cache_worker.bucket': 'quiet' })).toBeUndefined();
      expect(collected.get('cache_worker.load.duration')!.points.some((point) => point.attributes['cache_worker.bucket'] === 'quiet')).toBe(false);
      expect(quietLogger.at('log', 'OpenTelemetry: spans off (no tracer provider')[0]!.message).toMatch(/, metrics off$/);
    } finally {
      await quiet.close();
    }
  });

  it('stops observing the buckets of an app that closed', async () => {
    const Other = sourceStore({ bucket: 'short-lived', refreshInterval: null }, new Source());
    const other = await bootApp([CacheWorkerModule.forFeature([Other]), CacheWorkerOtelModule.forRoot()]);
    const shortLived = { 'cache_worker.bucket': 'short-lived' };
    // Through the delta reader, a point is there only when a callback observed it in this collection.
    expect(valueOf(await sdk.collect('delta'), 'cache_worker.entries', shortLived)).toBe(0);
    await other.close();
    const collected = await sdk.collect('delta');
    expect(valueOf(collected, 'cache_worker.entries', shortLived)).toBeUndefined();
    expect(valueOf(collected, 'cache_worker.entries', widgets)).toBe(0); // still observed: no change since the last collection
  });
});

function byDescription(a: { description: string }, b: { description: string }): number {
  return a.description.localeCompare(b.description);
}
