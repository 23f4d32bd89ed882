import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { DumpResult, RefreshResult } from '../interfaces/fetch-result.interface.js';
import type { EngineTracer, SnapshotApplyResult, SnapshotPublishResult } from '../store/engine-tracer.js';
import type { CacheWorkerLogger } from '../store/logger.interface.js';
import type { LoadOutcome } from '../store/loading/index.js';
import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { CACHE_WORKER_ATTRIBUTES as ATTR, CACHE_WORKER_SPANS } from './cache-worker.otel-names.js';

/**
 * The spans of one bucket. Each starts as a child of the active context (the request's span when a
 * read misses inside one) and what the engine runs within it (the user's `load`, the loads of a
 * refresh) sees it as the active span. A span processor that throws never reaches the cache: the
 * operation runs on, without its span.
 */
export class OtelEngineTracer<K> implements EngineTracer<K> {
  private readonly bucket: Attributes;
  private warned = false;

  constructor(
    private readonly tracer: Tracer,
    bucket: string,
    private readonly keyText: (key: K) => string,
    private readonly refreshLoadSpans: boolean,
    private readonly logger: CacheWorkerLogger,
  ) {
    this.bucket = { [ATTR.bucket]: bucket };
  }

  load<V>(key: K, inRefresh: boolean, run: () => Promise<LoadOutcome<V>>): Promise<LoadOutcome<V>> {
    if (inRefresh && !this.refreshLoadSpans) return run(); // within the refresh's span already
    return this.traced(CACHE_WORKER_SPANS.load, { ...this.bucket, [ATTR.key]: this.keyText(key) }, run, (span, outcome) =>
      outcome.ok ? setResult(span, 'ok') : failed(span, outcome.error),
    );
  }

  loadBatch<V>(keys: readonly K[], inRefresh: boolean, run: () => Promise<LoadOutcome<V>[]>): Promise<LoadOutcome<V>[]> {
    if (inRefresh && !this.refreshLoadSpans) return run();
    return this.traced(CACHE_WORKER_SPANS.loadBatch, { ...this.bucket, [ATTR.batchSize]: keys.length }, run, (span, outcomes) => {
      let failures = 0;
      let firstError = '';
      for (const outcome of outcomes) if (!outcome.ok && failures++ === 0) firstError = outcome.error;
      span.setAttribute(ATTR.batchFailed, failures);
      // The call failed when none of its keys got a value; some keys without one is the source's answer.
      if (failures === outcomes.length && failures > 0) failed(span, firstError);
      else setResult(span, 'ok');
    });
  }

  refresh(run: () => Promise<RefreshResult>): Promise<RefreshResult> {
    return this.traced(CACHE_WORKER_SPANS.refresh, this.bucket, run, (span, { refreshed, failed: failures, skipped }) => {
      span.setAttributes({ [ATTR.refreshed]: refreshed, [ATTR.failed]: failures, [ATTR.skipped]: skipped });
      if (failures === 0) setResult(span, 'ok');
      else failed(span, messages.otelRefreshFailed(failures, refreshed + failures + skipped));
    });
  }

  dump(run: () => Promise<DumpResult>): Promise<DumpResult> {
    return this.traced(CACHE_WORKER_SPANS.dump, this.bucket, run, (span, result) => {
      if (!result.ok) return failed(span, result.error);
      span.setAttributes({ [ATTR.entries]: result.entries, [ATTR.bytes]: result.bytes });
      setResult(span, 'ok');
    });
  }

  publishSnapshot(run: () => Promise<SnapshotPublishResult>): Promise<SnapshotPublishResult> {
    return this.traced(CACHE_WORKER_SPANS.snapshotPublish, this.bucket, run, (span, published) => {
      if (published.result === 'failed') return failed(span, published.error);
      if (published.result === 'superseded') return setResult(span, 'superseded');
      span.setAttributes({ [ATTR.version]: published.version, [ATTR.entries]: published.entries, [ATTR.bytes]: published.bytes });
      setResult(span, 'ok');
    });
  }

  applySnapshot(run: () => Promise<SnapshotApplyResult>): Promise<SnapshotApplyResult> {
    return this.traced(CACHE_WORKER_SPANS.snapshotApply, this.bucket, run, (span, applied) => {
      if (applied.result === 'failed') return failed(span, applied.error);
      span.setAttributes({ [ATTR.version]: applied.version, [ATTR.entries]: applied.entries });
      setResult(span, 'ok');
    });
  }

  /** Runs `run` within a new span, which `end` completes from the result. */
  private traced<T>(name: string, attributes: Attributes, run: () => Promise<T>, end: (span: Span, result: T) => void): Promise<T> {
    const parent = context.active();
    let span: Span;
    try {
      span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
    } catch (error) {
      this.spanFailed(error);
      return run();
    }
    const promise = context.with(trace.setSpan(parent, span), run);
    // A side branch: the engine keeps its own promise, and nothing here can reject it.
    promise.then(
      (result) => this.finish(span, () => end(span, result)),
      (error: unknown) => this.finish(span, () => failed(span, describeError(error))),
    );
    return promise;
  }

  private finish(span: Span, complete: () => void): void {
    try {
      complete();
      span.end();
    } catch (error) {
      this.spanFailed(error);
    }
  }

  /** A tracer or span processor threw: said once per bucket, since it would be said for every span. */
  private spanFailed(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(messages.otelSpanFailed(describeError(error)));
  }
}

function setResult(span: Span, result: 'ok' | 'error' | 'superseded'): void {
  span.setAttribute(ATTR.result, result);
}

function failed(span: Span, error: string): void {
  setResult(span, 'error');
  span.setStatus({ code: SpanStatusCode.ERROR, message: error });
}
