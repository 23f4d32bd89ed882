import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The OpenTelemetry SDK as an app's tracing setup registers it before the app is created: an
 * AsyncLocalStorage context manager and a tracer provider whose spans end up in memory.
 */
export function startTracing(processors: SpanProcessor[] = []) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [...processors, new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: trace.getTracer('test'),
    /** The spans ended so far. */
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    async stop() {
      trace.disable();
      context.disable();
      await provider.shutdown();
    },
  };
}

export type Tracing = ReturnType<typeof startTracing>;

/** A point of a metric as the SDK exports it: a number for sums, a histogram's count, sum and buckets otherwise. */
export type Point = DataPoint<number | Histogram>;

/**
 * The OpenTelemetry metrics SDK, registered globally, with two readers that collect on demand into
 * memory: one with cumulative sums (what a Prometheus backend wants), one with the changes since its
 * last collection (delta), where a point appears only when something observed it in that collection.
 */
export function startMetrics() {
  const pairs = [AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA].map((temporality) => {
    const exporter = new InMemoryMetricExporter(temporality);
    return { exporter, reader: new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 }) };
  });
  const provider = new MeterProvider({ readers: pairs.map((pair) => pair.reader) });
  metrics.setGlobalMeterProvider(provider);
  return {
    /** Collects now through one reader: every metric by name, with its kind, unit, description and points. */
    async collect(temporality: 'cumulative' | 'delta' = 'cumulative') {
      const { exporter, reader } = pairs[temporality === 'cumulative' ? 0 : 1]!;
      exporter.reset();
      await reader.forceFlush();
      const collected = new Map<string, { unit: string; description: string; kind: string; points: Point[] }>();
      for (const resourceMetrics of exporter.getMetrics()) {
        for (const scope of resourceMetrics.scopeMetrics) {
          for (const metric of scope.metrics) {
            const { name, unit, description } = metric.descriptor;
            collected.set(name, { unit, description, kind: kindOf(metric), points: metric.dataPoints as Point[] });
          }
        }
      }
      return collected;
    },
    async stop() {
      metrics.disable();
      await provider.shutdown();
    },
  };
}

export type Metrics = ReturnType<typeof startMetrics>;

/** The kind of instrument a metric came from, as the SDK's data tells it. */
function kindOf(metric: MetricData): 'counter' | 'up-down counter' | 'gauge' | 'histogram' {
  if (metric.dataPointType === DataPointType.SUM) return metric.isMonotonic ? 'counter' : 'up-down counter';
  return metric.dataPointType === DataPointType.GAUGE ? 'gauge' : 'histogram';
}
