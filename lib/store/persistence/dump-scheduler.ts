import { performance } from 'node:perf_hooks';
import type { CacheWorkerConfig } from '../../interfaces/cache-worker-config.interface.js';
import type { DumpResult } from '../../interfaces/fetch-result.interface.js';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import type { EngineObserver } from '../engine-observer.js';
import type { TracerSlot } from '../engine-tracer.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { StatsCounters } from '../stats.js';
import type { DumpSource } from './dump-codec.js';
import { writeDumpFile } from './dump-file.js';
import { prepareDumpFolder } from './dump-folder.js';

/**
 * When and how one bucket's dump is written: changes ask for a dump that is coalesced into one write
 * after `dumpDelay`; an explicit dump waits for the write in progress and then writes once more
 * (however many ask meanwhile); a failure is logged once per kind and counted, never thrown.
 */
export class DumpScheduler {
  private timer: NodeJS.Timeout | null = null;
  private active: Promise<DumpResult> | null = null;
  private queued: Promise<DumpResult> | null = null;
  private lastFailure: string | null = null;
  private stopped = false;

  constructor(
    private readonly config: CacheWorkerConfig,
    private readonly entries: DumpSource,
    private readonly counters: StatsCounters,
    private readonly logger: CacheWorkerLogger,
    private readonly tracing: TracerSlot<unknown>,
    private readonly report: Required<Pick<EngineObserver, 'dumped' | 'dumpFailed'>>,
  ) {}

  /** A change happened: write within `dumpDelay`, once for every change made meanwhile. */
  schedule(): void {
    if (!this.config.file || this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.dump();
    }, this.config.dumpDelay);
    this.timer.unref();
  }

  /** No more scheduled dumps (shutdown); an explicit `dump()` still writes. */
  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  /** Writes the dump now (after any write in progress); never rejects. */
  dump(): Promise<DumpResult> {
    if (!this.config.file) return Promise.resolve({ ok: false, error: messages.noDumpFile(this.config.bucket) });
    if (!this.config.cacheEnabled) return Promise.resolve({ ok: false, error: messages.cacheDisabled(this.config.bucket) });
    this.cancel();
    if (this.queued) return this.queued;
    if (this.active) {
      this.queued = this.active.then(() => {
        this.queued = null;
        return this.start();
      });
      return this.queued;
    }
    return this.start();
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): Promise<DumpResult> {
    const tracer = this.tracing.current;
    const write = tracer === null ? this.write() : tracer.dump(() => this.write());
    this.active = write.finally(() => (this.active = null));
    return this.active;
  }

  private async write(): Promise<DumpResult> {
    const file = this.config.file!;
    const started = performance.now();
    try {
      const written = await writeDumpFile(file, this.config.bucket, this.entries);
      const durationMs = performance.now() - started;
      this.counters.dumps++;
      this.counters.lastDumpAt = Date.now();
      this.counters.lastDumpBytes = written.bytes;
      this.counters.lastDumpDurationMs = durationMs;
      this.lastFailure = null;
      this.counters.lastDumpError = null;
      if (written.leftOut > 0) this.logger.warn(messages.dumpLeftOut(written.leftOut, written.firstLeftOutError ?? ''));
      this.logger.debug(messages.dumpWritten(written.entries, written.bytes, durationMs));
      const result = { ok: true as const, entries: written.entries, bytes: written.bytes, durationMs, leftOut: written.leftOut };
      this.report.dumped(result);
      return result;
    } catch (error) {
      this.counters.dumpErrors++;
      return this.failed(error);
    }
  }

  /**
   * At startup: creates the dump's folder when it is missing. A folder that can't be created or written in
   * is reported like a failed write (an error, `lastDumpError`, observers), at once rather than at the first
   * dump; it is not counted in `dumpErrors`, which counts writes.
   */
  async prepareFolder(): Promise<void> {
    try {
      await prepareDumpFolder(this.config.file!);
    } catch (error) {
      this.failed(error);
    }
  }

  /** A failure: logged once per kind (again after a success), kept as `lastDumpError`, reported. */
  private failed(error: unknown): DumpResult {
    const text = describeError(error);
    this.counters.lastDumpError = text;
    const kind = (error as NodeJS.ErrnoException).code ?? text;
    if (kind !== this.lastFailure) this.logger.error(messages.dumpWriteFailed(this.config.file!, text));
    this.lastFailure = kind;
    this.report.dumpFailed(text);
    return { ok: false, error: text };
  }
}
