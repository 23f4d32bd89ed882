import 'reflect-metadata';
import { Controller, Get, Inject, type INestApplication, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { CacheWorker, CacheWorkerConfigError, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../../lib/index.js';
import { CacheWorkerOtelModule } from '../../../lib/otel/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';
import { startTracing, type Tracing } from '../support/otel-sdk.js';
import { Source, sourceStore } from '../support/source.js';

/** The span ids the user's `load` saw as active, by key. */
const activeInLoad = new Map<string, string | undefined>();

/** A store whose `load` records the span active while it runs, and fails for keys starting with `bad`. */
function tracedStore(options: { bucket: string; file?: string; redactKeys?: boolean }) {
  @CacheWorker({ refreshInterval: null, ...options })
  class TracedStore extends CacheWorkerStore<string, string> {
    async load(key: string): Promise<LoadResult<string>> {
      activeInLoad.set(key, trace.getActiveSpan()?.spanContext().spanId);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return key.startsWith('bad') ? { ok: false, error: `no widget ${key}` } : { ok: true, value: `widget ${key}` };
    }
  }
  return TracedStore;
}

/** A span processor that throws where the test says, as a faulty exporter setup would. */
const brokenProcessor: SpanProcessor & { throwsOn: 'start' | 'end' | null } = {
  throwsOn: null,
  onStart() {
    if (this.throwsOn === 'start') throw new Error('the processor is broken');
  },
  onEnd() {
    if (this.throwsOn === 'end') throw new Error('the processor is broken');
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const named = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('OpenTelemetry spans', () => {
  let tracing: Tracing;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const apps: INestApplication[] = [];

  async function boot(imports: Parameters<typeof bootApp>[0], logger = new RecordingLogger()) {
    const app = await bootApp(imports, logger);
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    tracing = startTracing([brokenProcessor]);
    temp = await makeTempDir();
  });

  beforeEach(() => tracing.reset());

  afterAll(async () => {
    for (const app of apps) await app.close();
    await tracing.stop();
    await temp.remove();
  });

  it('records a load started inside an active span as its child, and the load runs within its own span', async () => {
    const Store = tracedStore({ bucket: 'in-span' });
    const app = await boot([CacheWorkerModule.forFeature([Store]), CacheWorkerOtelModule.forRoot()]);
    const store = app.get(Store);
    await tracing.tracer.startActiveSpan('GET /widgets/:id', async (requestSpan) => {
      expect(await store.fetch('42')).toEqual({ ok: true, value: 'widget 42', loaded: true });
      requestSpan.end();
    });
    const [requestSpan] = named(tracing.spans(), 'GET /widgets/:id');
    const [load] = named(tracing.spans(), 'cache_worker.load');
    expect(load).toBeDefined();
    expect(load!.spanContext().traceId).toBe(requestSpan!.spanContext().traceId);
    expect(parentOf(load!)).toBe(requestSpan!.spanContext().spanId);
    expect(load!.kind).toBe(SpanKind.INTERNAL);
    expect(load!.attributes).toEqual({ 'cache_worker.bucket': 'in-span', 'cache_worker.key': '42', 'cache_worker.result': 'ok' });
    expect(load!.status.code).toBe(SpanStatusCode.UNSET);
    // What the user's load calls (an HTTP client, say) is a child of the load's span.
    expect(activeInLoad.get('42')).toBe(load!.spanContext().spanId);
  });

  it('records a load outside any span as a root span, a failed load with its error, fetchNoSave and reload, and no span for hits', async () => {
    const Store = tracedStore({ bucket: 'roots' });
    const app = await boot([CacheWorkerModule.forFeature([Store]), CacheWorkerOtelModule.forRoot()]);
    const store = app.get(Store);
    await store.fetch('1');
    await store.fetch('1'); // a hit
    await store.fetch('bad-2');
    await store.fetchNoSave('3');
    await store.fetch('1', { reload: true });
    const loads = named(tracing.spans(), 'cache_worker.load');
    expect(loads.map((span) => span.attributes['cache_worker.key'])).toEqual(['1', 'bad-2', '3', '1']);
    expect(parentOf(loads[0]!)).toBeUndefined();
    expect(loads[1]!.attributes['cache_worker.result']).toBe('error');
    expect(loads[1]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no widget bad-2' });
  });

  it('records one load span for concurrent misses of one key, the child of the read that started it', async () => {
    const Store = tracedStore({ bucket: 'storm' });
    const app = await boot([CacheWorkerModule.forFeature([Store]), CacheWorkerOtelModule.forRoot()]);
    const store = app.get(Store);
    await tracing.tracer.startActiveSpan('first reader', async (first) => {
      const reads = [store.fetch('k'), store.fetch('k'), store.get('k')];
      await Promise.all(reads);
      first.end();
    });
    const loads = named(tracing.spans(), 'cache_worker.load');
    expect(loads).toHaveLength(1);
    expect(parentOf(loads[0]!)).toBe(named(tracing.spans(), 'first reader')[0]!.spanContext().spanId);
  });

  it('records one load_batch span per loadMany call, the child of the read that started the batch, with its size and failures', async () => {
    @CacheWorker({ bucket: 'batched', refreshInterval: null })
    class BatchedStore extends CacheWorkerStore<string, string> {
      load(key: string): LoadResult<string> {
        return { ok: true, value: key };
      }
      override async loadMany(keys: string[]): Promise<Map<string, LoadResult<string>>> {
        activeInLoad.set(keys.join(), trace.getActiveSpan()?.spanContext().spanId);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return new Map(keys.filter((key) => !key.startsWith('bad')).map((key) => [key, { ok: true, value: `widget ${key}` }]));
      }
    }
    const app = await boot([CacheWorkerModule.forFeature([BatchedStore]), CacheWorkerOtelModule.forRoot()]);
    const store = app.get(BatchedStore);
    await tracing.tracer.startActiveSpan('GET /widgets', async (page) => {
      expect(await store.getMany(['a', 'b', 'bad-c'])).toEqual(['widget a', 'widget b', undefined]);
      page.end();
    });
    expect(await store.fetchMany(['bad-1', 'bad-2'])).toMatchObject([{ ok: false }, { ok: false }]);
    const batches = named(tracing.spans(), 'cache_worker.load_batch');
    expect(batches).toHaveLength(2);
    const [page] = named(tracing.spans(), 'GET /widgets');
    expect(parentOf(batches[0]!)).toBe(page!.spanContext().spanId);
    expect(batches[0]!.attributes).toEqual({
      'cache_worker.bucket': 'batched',
      'cache_worker.batch.size': 3,
      'cache_worker.batch.failed': 1,
      'cache_worker.result': 'ok',
    });
    expect(activeInLoad.get('a,b,bad-c')).toBe(batches[0]!.spanContext().spanId);
    // A call in which no key got a value failed as a whole.
    expect(batches[1]!.attributes).toMatchObject({ 'cache_worker.batch.size': 2, 'cache_worker.batch.failed': 2, 'cache_worker.result': 'error' });
    expect(batches[1]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(named(tracing.spans(), 'cache_worker.load')).toHaveLength(0);
  });

  it('gives each HTTP request its own trace: a miss under the request span, a hit with no span', async () => {
    const Store = tracedStore({ bucket: 'http' });
    @Controller('widgets')
    class WidgetController {
      constructor(@Inject(Store) private readonly widgets: CacheWorkerStore<string, string>) {}
      @Get(':id')
      async find(@Param('id') id: string) {
        return this.widgets.fetch(id);
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [CacheWorkerModule.forFeature([Store]), CacheWorkerOtelModule.forRoot()],
      controllers: [WidgetController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    // What an HTTP instrumentation does: every request runs within its own active span.
    app.use((req: { method: string; url: string }, res: { on(event: string, f: () => void): void }, next: () => void) =>
      tracing.tracer.startActiveSpan(`${req.method} ${req.url}`, (span: Span) => {
        res.on('finish', () => span.end());
        next();
      }),
    );
    await app.init();
    await request(app.getHttpServer()).get('/widgets/7').expect(200);
    await request(app.getHttpServer()).get('/widgets/7').expect(200);
    await waitFor(() => named(tracing.spans(), 'GET /widgets/7').length === 2, 'both request spans to end');
    const [miss, hit] = named(tracing.spans(), 'GET /widgets/7');
    const loads = named(tracing.spans(), 'cache_worker.load');
    expect(loads).toHaveLength(1);
    expect(loads[0]!.spanContext().traceId).toBe(miss!.spanContext().traceId);
    expect(parentOf(loads[0]!)).toBe(miss!.spanContext().spanId);
    expect(hit!.spanContext().traceId).not.toBe(miss!.spanContext().traceId);
  });

  it('records a full refresh with its counts and the dump after it as its child; its loads only with refreshLoadSpans', async () => {
    const source = new Source();
    const Quiet = sourceStore({ bucket: 'refresh-quiet', refreshInterval: null, file: join(temp.dir, 'quiet.dump') }, source);
    const Loud = sourceStore({ bucket: 'refresh-loud', refreshInterval: null }, source);
    const quiet = await boot([CacheWorkerModule.forFeature([Quiet]), CacheWorkerOtelModule.forRoot()]);
    const loud = await boot([CacheWorkerModule.forFeature([Loud]), CacheWorkerOtelModule.forRoot({ refreshLoadSpans: true })]);
    for (const app of [quiet, loud]) {
      const store = app.get<CacheWorkerStore<string, string>>(app === quiet ? Quiet : Loud);
      await store.fetch('a');
      await store.fetch('b');
    }
    tracing.reset();
    source.down = true;
    await quiet.get(Quiet).fullRefresh();
    source.down = false;
    await loud.get(Loud).fullRefresh();
    const refreshes = named(tracing.spans(), 'cache_worker.refresh');
    const [quietRefresh, loudRefresh] = ['refresh-quiet', 'refresh-loud'].map((bucket) =>
      refreshes.find((span) => span.attributes['cache_worker.bucket'] === bucket),
    );
    expect(quietRefresh!.attributes).toEqual({
      'cache_worker.bucket': 'refresh-quiet',
      'cache_worker.refresh.refreshed': 0,
      'cache_worker.refresh.failed': 2,
      'cache_worker.refresh.skipped': 0,
      'cache_worker.result': 'error',
    });
    expect(quietRefresh!.status).toEqual({ code: SpanStatusCode.ERROR, message: '2 of 2 keys failed; their old values were kept' });
    expect(loudRefresh!.attributes).toMatchObject({ 'cache_worker.refresh.refreshed': 2, 'cache_worker.result': 'ok' });
    const [dump] = named(tracing.spans(), 'cache_worker.dump');
    expect(parentOf(dump!)).toBe(quietRefresh!.spanContext().spanId);
    const loads = named(tracing.spans(), 'cache_worker.load');
    expect(loads.map((span) => [span.attributes['cache_worker.bucket'], parentOf(span)])).toEqual([
      ['refresh-loud', loudRefresh!.spanContext().spanId],
      ['refresh-loud', loudRefresh!.spanContext().spanId],
    ]);
  });

  it('records dumps with their entries and bytes, and a failed dump with its error', async () => {
    const folder = join(temp.dir, 'dumps');
    const Store = tracedStore({ bucket: 'dumps', file: join(folder, 'widgets.dump') });
    await writeFile(folder, 'a file where the dump folder should be');
    const app = await boot([CacheWorkerModule.forFeature([Store]), CacheWorkerOtelModule.forRoot()]);
    const store = app.get(Store);
    store.set('a', 'A');
    const failedDump = await store.dump(); // its folder can't be made: a file has its name
    await rm(folder);
    await mkdir(folder);
    const written = await store.dump();
    expect(failedDump.ok).toBe(false);
    expect(written.ok).toBe(true);
    const dumps = named(tracing.spans(), 'cache_worker.dump');
    expect(dumps).toHaveLength(2);
    expect(dumps[0]!.attributes).toEqual({ 'cache_worker.bucket': 'dumps', 'cache_worker.result': 'error' });
    expect(dumps[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message: (failedDump as { error: string }).error });
    expect(dumps[1]!.attributes).toEqual({
      'cache_worker.bucket': 'dumps',
      'cache_worker.entries': 1,
      'cache_worker.bytes': (written as { bytes: number }).bytes,
      'cache_worker.result': 'ok',
    });
  });

  it('puts the key on load spans as it is, or as the hash the logs show with redactKeys (the bucket’s or the module’s)', async () => {
    const Plain = tracedStore({ bucket: 'plain' });
    const Redacted = tracedStore({ bucket: 'redacted', redactKeys: true });
    const logger = new RecordingLogger();
    const app = await boot([CacheWorkerModule.forFeature([Plain, Redacted]), CacheWorkerOtelModule.forRoot()], logger);
    await app.get(Plain).fetch('alice@example.com');
    await app.get(Redacted).fetch('bad-bob@example.com');
    const Everywhere = tracedStore({ bucket: 'everywhere' });
    const everywhere = await boot([CacheWorkerModule.forFeature([Everywhere]), CacheWorkerOtelModule.forRoot({ redactKeys: true })]);
    await everywhere.get(Everywhere).fetch('carol@example.com');
    const keys = Object.fromEntries(
      named(tracing.spans(), 'cache_worker.load').map((span) => [span.attributes['cache_worker.bucket'], span.attributes['cache_worker.key']]),
    );
    expect(keys.plain).toBe('alice@example.com');
    expect(keys.redacted).toMatch(/^#[0-9a-f]{12}$/);
    // The same hash as the log line of the failed load, so that a span leads to its logs.
    expect(logger.at('warn', keys.redacted as string)).toHaveLength(1);
    expect(keys.everywhere).toMatch(/^#[0-9a-f]{12}$/);
    expect(keys.everywhere).not.toBe(keys.redacted);
    const attributes = JSON.stringify(tracing.spans().map((span) => span.attributes));
    expect(attributes).not.toContain('bob@example.com');
    expect(attributes).not.toContain('carol@example.com');
  });

  it('names a key that is not a string by its text, as the logs do', async () => {
    @CacheWorker({ bucket: 'object-keys', refreshInterval: null })
    class ObjectKeyStore extends CacheWorkerStore<{ shop: string; id: number }, string> {
      load(key: { shop: string; id: number }): LoadResult<string> {
        return { ok: true, value: `${key.shop}/${key.id}` };
      }
    }
    const app = await boot([CacheWorkerModule.forFeature([ObjectKeyStore]), CacheWorkerOtelModule.forRoot()]);
    await app.get(ObjectKeyStore).fetch({ shop: 'north', id: 3 });
    expect(named(tracing.spans(), 'cache_worker.load')[0]!.attributes['cache_worker.key']).toBe('{"shop":"north","id":3}');
  });

  it('records no span with spans: false, and says so at startup', async () => {
    const Store = tracedStore({ bucket: 'spans-off' });
    const logger = new RecordingLogger();
    const app = await boot([CacheWorkerModule.forFeature([Store]), CacheWorkerOtelModule.forRoot({ spans: false })], logger);
    await app.get(Store).fetch('x');
    await app.get(Store).fullRefresh();
    expect(tracing.spans()).toEqual([]);
    expect(logger.at('log', 'OpenTelemetry: spans off, metrics off (no meter provider')).toHaveLength(1);
  });

  it('goes on serving when a span processor throws, and says so once', async () => {
    const Store = tracedStore({ bucket: 'broken-processor' });
    const logger = new RecordingLogger();
    const app = await boot([CacheWorkerModule.forFeature([Store]), CacheWorkerOtelModule.forRoot()], logger);
    const store = app.get(Store);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const where of ['start', 'end'] as const) {
        brokenProcessor.throwsOn = where;
        expect(await store.fetch(`${where}-1`)).toEqual({ ok: true, value: `widget ${where}-1`, loaded: true });
        expect(await store.fetch(`bad-${where}`)).toEqual({ ok: false, error: `no widget bad-${where}` });
        expect(await store.fullRefresh()).toMatchObject({ refreshed: store.size, failed: 0 });
      }
      brokenProcessor.throwsOn = null;
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
      brokenProcessor.throwsOn = null;
    }
    expect(unhandled).toEqual([]);
    expect(store.peek('start-1')).toBe('widget start-1');
    expect(logger.at('warn', 'OpenTelemetry: the tracer or a span processor threw (the processor is broken)')).toHaveLength(1);
  });

  it('rejects bad options, naming the field', () => {
    expect(() => CacheWorkerOtelModule.forRoot({ spans: 'yes' as never })).toThrow(
      new CacheWorkerConfigError('CacheWorkerOtelModule: option "spans": expected true or false, got "yes"'),
    );
    expect(() => CacheWorkerOtelModule.forRoot({ redact: true } as never)).toThrow(
      new CacheWorkerConfigError('CacheWorkerOtelModule: unknown option "redact" (the options are spans, metrics, redactKeys, refreshLoadSpans)'),
    );
  });
});
