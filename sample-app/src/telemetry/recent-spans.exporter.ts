import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

type ExportDone = Parameters<SpanExporter['export']>[1];

/** `ExportResultCode.SUCCESS` of `@opentelemetry/core`. */
const SUCCESS = 0;

/** How many finished spans the sample keeps: enough for a few requests, bounded for a long run. */
const KEPT_SPANS = 500;

/**
 * Keeps the last spans in memory for `GET /traces`. A real app exports them instead, e.g. with
 * `@opentelemetry/exporter-trace-otlp-http` to a collector.
 */
export class RecentSpansExporter implements SpanExporter {
  private spans: ReadableSpan[] = [];

  export(spans: ReadableSpan[], done: ExportDone): void {
    this.spans.push(...spans);
    if (this.spans.length > KEPT_SPANS) this.spans = this.spans.slice(-KEPT_SPANS);
    done({ code: SUCCESS });
  }

  /** The spans kept, oldest first. */
  recent(): readonly ReadableSpan[] {
    return this.spans;
  }

  shutdown(): Promise<void> {
    this.spans = [];
    return Promise.resolve();
  }
}
