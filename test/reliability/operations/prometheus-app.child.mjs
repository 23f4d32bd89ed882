// A real Nest app, built from the compiled library as a user's app would import it, serving
// @willsoto/nestjs-prometheus' /metrics with the cache worker metrics. Plain Node: the Prometheus
// module is CommonJS requiring the ESM-only Nest 12, which Node loads and jest's module runtime does not.
// Prints one JSON line with the port, then closes on SIGTERM.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore } from 'nest-cache-worker';
import { CacheWorkerMetricsModule } from 'nest-cache-worker/metrics';

class PriceStore extends CacheWorkerStore {
  load(key) {
    return key === 'broken' ? { ok: false, error: 'no price' } : { ok: true, value: key.length };
  }
}
CacheWorker({ bucket: 'prices', refreshInterval: null })(PriceStore);

class AppModule {}
Module({
  imports: [PrometheusModule.register(), CacheWorkerModule.forFeature([PriceStore]), CacheWorkerMetricsModule.forRoot()],
})(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
const store = app.get(PriceStore);
await store.fetch('apple');
await store.fetch('apple');
await store.fetch('broken');
console.log(JSON.stringify({ port: app.getHttpServer().address().port }));
