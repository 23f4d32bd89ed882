import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RecentSpansExporter } from './recent-spans.exporter.js';

/** The spans of this process, for `GET /traces`. */
export const recentSpans = new RecentSpansExporter();

/**
 * Registers the OpenTelemetry SDK, before the app is created (as every instrumentation needs): an
 * AsyncLocalStorage context manager, so that a span started in a request is the parent of what the
 * request does, and a tracer provider whose spans go to `recentSpans`. A real app starts
 * `@opentelemetry/sdk-node` here, with the HTTP instrumentation and an exporter to its backend.
 */
export function startTelemetry(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(recentSpans)] }));
}
