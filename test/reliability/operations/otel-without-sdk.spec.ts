import 'reflect-metadata';
import { join } from 'node:path';
import { CacheWorkerModule } from '../../../lib/index.js';
import { CacheWorkerOtelModule } from '../../../lib/otel/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { startMetrics, startTracing } from '../support/otel-sdk.js';
import { Source, sourceStore } from '../support/source.js';

describe('the OpenTelemetry module without an SDK', () => {
  it('serves as usual, records nothing, and says once that it is off', async () => {
    const temp = await makeTempDir();
    const source = new Source();
    const Store = sourceStore({ bucket: 'widgets', refreshInterval: null, file: join(temp.dir, 'widgets.dump') }, source);
    const logger = new RecordingLogger();
    const app = await bootApp([CacheWorkerModule.forFeature([Store]), CacheWorkerOtelModule.forRoot()], logger);
    const tracing = { current: null as ReturnType<typeof startTracing> | null };
    const metering = { current: null as ReturnType<typeof startMetrics> | null };
    try {
      expect(logger.at('log', 'OpenTelemetry:').map((line) => line.message)).toEqual([
        'OpenTelemetry: spans off (no tracer provider is registered: start the OpenTelemetry SDK before the app is created), ' +
          'metrics off (no meter provider is registered: start the OpenTelemetry SDK before the app is created)',
      ]);
      const store = app.get(Store);
      expect(await store.fetch('a')).toEqual({ ok: true, value: 'a@v1', loaded: true });
      expect(await store.fetch('a')).toEqual({ ok: true, value: 'a@v1', loaded: false });
      source.down = true;
      expect(await store.fetch('b')).toEqual({ ok: false, error: 'source is down' });
      source.down = false;
      expect(await store.fullRefresh()).toMatchObject({ refreshed: 1, failed: 0 });
      expect(await store.dump()).toMatchObject({ ok: true, entries: 1 });

      // An SDK registered once the app runs gets nothing from it: the module kept no tracer or meter of
      // the API's (a proxy tracer would start handing spans to the new provider at once).
      tracing.current = startTracing();
      metering.current = startMetrics();
      await store.fetch('c');
      await store.fullRefresh();
      await store.dump();
      expect(tracing.current.spans()).toEqual([]);
      expect([...(await metering.current.collect()).keys()].filter((name) => name.startsWith('cache_worker.'))).toEqual([]);
      expect(logger.at('warn').map((line) => line.message)).toEqual(['load("b") failed: source is down']); // and nothing else
      expect(logger.at('error')).toEqual([]);
    } finally {
      await app.close();
      await tracing.current?.stop();
      await metering.current?.stop();
      await temp.remove();
    }
  });
});
