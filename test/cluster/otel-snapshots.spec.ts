import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { SpanStatusCode } from '@opentelemetry/api';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../lib/index.js';
import { CacheWorkerOtelModule } from '../../lib/otel/index.js';
import { startTracing, type Tracing } from '../reliability/support/otel-sdk.js';
import { bootApp } from '../support/nest-app.js';
import { waitFor } from '../support/wait-for.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';

@CacheWorker({ bucket: 'shared', refreshInterval: 0 })
class SharedStore extends CacheWorkerStore<string, string> {
  load(key: string): LoadResult<string> {
    return { ok: true, value: `loaded ${key}` };
  }
}

describe('cluster mode: OpenTelemetry spans of the shared snapshot', () => {
  let redis: RedisServer;
  let tracing: Tracing;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    tracing = startTracing();
    redis = await startRedisServer();
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await redis?.stop();
    await tracing.stop();
  });

  async function boot(): Promise<INestApplication> {
    const app = await bootApp([
      CacheWorkerModule.forRoot({ cluster: { redis: redis.url, namespace: 'otel' } }),
      CacheWorkerModule.forFeature([SharedStore]),
      CacheWorkerOtelModule.forRoot(),
    ]);
    apps.push(app);
    return app;
  }

  it('records the publish on the instance that writes the snapshot and the apply on the one that reads it', async () => {
    const [writer, reader] = [await boot(), await boot()];
    writer.get(SharedStore).set('a', 'A');
    writer.get(SharedStore).set('b', 'B');
    await waitFor(() => reader.get(SharedStore).peek('b') === 'B', 'the changes to reach the other instance');
    tracing.reset();
    await tracing.tracer.startActiveSpan('POST /admin/dump', async (adminSpan) => {
      await writer.get(SharedStore).dump();
      adminSpan.end();
    });
    await waitFor(() => tracing.spans().some((span) => span.name === 'cache_worker.snapshot.apply'), 'the other instance to apply the snapshot');
    const [admin] = tracing.spans().filter((span) => span.name === 'POST /admin/dump');
    const [publish] = tracing.spans().filter((span) => span.name === 'cache_worker.snapshot.publish');
    const [apply] = tracing.spans().filter((span) => span.name === 'cache_worker.snapshot.apply');
    expect(publish!.parentSpanContext?.spanId).toBe(admin!.spanContext().spanId);
    expect(publish!.attributes).toEqual({
      'cache_worker.bucket': 'shared',
      'cache_worker.snapshot.version': expect.any(Number),
      'cache_worker.entries': 2,
      'cache_worker.bytes': expect.any(Number),
      'cache_worker.result': 'ok',
    });
    expect(apply!.attributes).toEqual({
      'cache_worker.bucket': 'shared',
      'cache_worker.snapshot.version': publish!.attributes['cache_worker.snapshot.version'],
      'cache_worker.entries': 2,
      'cache_worker.result': 'ok',
    });
    expect(apply!.status.code).toBe(SpanStatusCode.UNSET);
    expect(apply!.spanContext().traceId).not.toBe(admin!.spanContext().traceId); // it runs on a message, in its own trace
  });
});
