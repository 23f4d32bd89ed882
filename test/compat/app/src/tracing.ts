import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The spans this process recorded. */
export const finishedSpans = new InMemorySpanExporter();

/** Registers the OpenTelemetry tracer provider before the app is created, as an app's tracing setup does. */
export function startTracing(): void {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(finishedSpans)] }));
}
