import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CacheWorkerRegistry } from '../cache-worker.registry.js';
import { BOARD_HISTORY_MS, CACHE_WORKER_BOARD_OPTIONS, type ResolvedBoardOptions } from './cache-worker-board.options.js';
import { BucketSamples, type BucketHistory } from './bucket-samples.js';

/** Samples every bucket's counters on a timer, in memory, for the board's charts of the last hour. */
@Injectable()
export class BoardSampler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly samples = new Map<string, BucketSamples>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: CacheWorkerRegistry,
    @Inject(CACHE_WORKER_BOARD_OPTIONS) private readonly options: ResolvedBoardOptions,
  ) {}

  /** Takes the baseline and starts sampling, once the buckets are filled. */
  onApplicationBootstrap(): void {
    const capacity = Math.ceil(BOARD_HISTORY_MS / this.options.sampleInterval);
    for (const bucket of this.registry.getBuckets()) this.samples.set(bucket, new BucketSamples(capacity));
    this.sample();
    this.timer = setInterval(() => this.sample(), this.options.sampleInterval);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The bucket's samples, oldest first (none before the first interval has passed). */
  history(bucket: string): BucketHistory {
    return this.samples.get(bucket)?.history() ?? { at: [], hitRatio: [], loadsPerSecond: [], entries: [] };
  }

  private sample(): void {
    const now = Date.now();
    for (const stats of this.registry.stats()) {
      this.samples.get(stats.bucket)?.record({ hits: stats.hits, misses: stats.misses, loads: stats.loads, entries: stats.size }, now);
    }
  }
}
