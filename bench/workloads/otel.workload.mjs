import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CacheWorkerOtelModule } from '../../dist/otel/index.js';
import { keyOf } from '../support/data.mjs';
import { consume } from '../support/micro.mjs';
import { startStoreApp } from '../support/nest-app.mjs';
import { summarize } from '../support/stats.mjs';
import { atLeast, row } from '../support/rows.mjs';

/**
 * Workload 12: what the OpenTelemetry module costs a load. Each `fetch(key, { reload: true })` runs
 * one load of a source that answers at once; the same reads run on a bucket without the module (the
 * baseline), on one with the module but no SDK registered when the app booted (it must cost
 * nothing), and on one booted with the SDK's tracer provider (a span per load, handed to an exporter
 * that drops it), in rotating order.
 */
export default {
  id: 12,
  name: 'OpenTelemetry',
  sizes: {
    full: { reads: 50_000, keys: 1_000, rounds: 7 },
    quick: { reads: 20_000, keys: 1_000, rounds: 7 },
    smoke: { reads: 300, keys: 100, rounds: 1 },
  },
  async run({ sizes }) {
    const { reads, keys: count, rounds } = sizes;
    const source = (key) => ({ ok: true, value: key });
    const keys = Array.from({ length: count }, (_, i) => keyOf(i));
    const plain = await startStoreApp({ bucket: 'bench-otel-none', source });
    const withoutSdk = await startStoreApp({ bucket: 'bench-otel-no-sdk', source, modules: [CacheWorkerOtelModule.forRoot()] });
    const provider = startTracing();
    const withSdk = await startStoreApp({ bucket: 'bench-otel-sdk', source, modules: [CacheWorkerOtelModule.forRoot()] });
    const sides = { plain, withoutSdk, withSdk };
    for (const { store } of Object.values(sides)) await reloads(store, keys, reads); // warm-up: every side compiled alike

    const ops = { plain: [], withoutSdk: [], withSdk: [] };
    const ratios = { withoutSdk: [], withSdk: [] };
    const names = Object.keys(sides);
    for (let round = 0; round < rounds; round++) {
      const measured = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length];
        globalThis.gc?.(); // no side pays for the garbage of the one before
        measured[name] = await reloads(sides[name].store, keys, reads);
        ops[name].push(measured[name]);
      }
      ratios.withoutSdk.push(measured.withoutSdk / measured.plain);
      ratios.withSdk.push(measured.withSdk / measured.plain);
    }
    for (const { app } of Object.values(sides)) await app.close();
    trace.disable();
    context.disable();
    await provider.shutdown();

    const baseline = summarize(ops.plain).median;
    return [
      row({
        measure: 'load throughput, OTel module without an SDK',
        unit: 'ops/s',
        library: summarize(ops.withoutSdk).median,
        baselineName: 'no OTel module',
        baseline,
        ratio: summarize(ratios.withoutSdk),
        target: atLeast(0.95),
      }),
      row({
        measure: 'load throughput, OTel module with the SDK (a span per load)',
        unit: 'ops/s',
        library: summarize(ops.withSdk).median,
        baselineName: 'no OTel module',
        baseline,
        ratio: summarize(ratios.withSdk),
        note: 'the price of one span per load, exporter excluded',
      }),
    ];
  },
};

/** The SDK as an app registers it: an AsyncLocalStorage context manager and a tracer provider. */
function startTracing() {
  const dropAll = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() };
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropAll)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return provider;
}

/** `count` reloads, one at a time, cycling through `keys`; returns loads per second. */
async function reloads(store, keys, count) {
  const started = performance.now();
  for (let i = 0; i < count; i++) consume((await store.fetch(keys[i % keys.length], { reload: true })).value);
  return count / ((performance.now() - started) / 1000);
}
