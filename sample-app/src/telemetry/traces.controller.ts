import { Controller, Get } from '@nestjs/common';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { recentSpans } from './telemetry.setup.js';

/** One span as `GET /traces` shows it. */
interface SpanView {
  name: string;
  spanId: string;
  parentSpanId: string | null;
  durationMs: number;
  attributes: ReadableSpan['attributes'];
  error: string | null;
}

/** `GET /traces`: the spans recorded lately, by trace, newest trace first; children follow their parent. */
@Controller('traces')
export class TracesController {
  @Get()
  traces(): Array<{ traceId: string; spans: SpanView[] }> {
    const byTrace = new Map<string, SpanView[]>();
    for (const span of recentSpans.recent()) {
      const { traceId, spanId } = span.spanContext();
      const spans = byTrace.get(traceId) ?? [];
      spans.push({
        name: span.name,
        spanId,
        parentSpanId: span.parentSpanContext?.spanId ?? null,
        durationMs: Math.round((span.duration[0] * 1e3 + span.duration[1] / 1e6) * 10) / 10,
        attributes: span.attributes,
        error: span.status.message ?? null,
      });
      byTrace.set(traceId, spans);
    }
    return [...byTrace].reverse().map(([traceId, spans]) => ({ traceId, spans: spans.reverse() }));
  }
}
