import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CacheWorkerRegistry } from '../cache-worker.registry.js';
import type { CacheWorkerStore } from '../store/cache-worker.store.js';
import { BucketHealthTracker, type CacheWorkerBucketHealth } from './bucket-health.tracker.js';
import { CACHE_WORKER_HEALTH_OPTIONS, type CacheWorkerHealthOptions } from './cache-worker-health.options.js';

export type { CacheWorkerBucketHealth } from './bucket-health.tracker.js';

/**
 * A `@nestjs/terminus` health indicator for the cache workers of the application. A bucket is down
 * when its last `failedRefreshes` full refreshes all failed (the source is down), while its last dump
 * write failed, or when its dump is older than `maxDumpAge`; the indicator is down when any bucket it
 * checks is down.
 *
 * @example
 * ```ts
 * @Get('health')
 * @HealthCheck()
 * check() {
 *   return this.health.check([() => this.cacheWorkers.isHealthy('cache')]);
 * }
 * ```
 */
@Injectable()
export class CacheWorkerHealthIndicator implements OnModuleInit {
  private readonly tracker: BucketHealthTracker;

  constructor(
    private readonly registry: CacheWorkerRegistry,
    private readonly healthIndicatorService: HealthIndicatorService,
    @Optional() @Inject(CACHE_WORKER_HEALTH_OPTIONS) options: CacheWorkerHealthOptions = {},
  ) {
    this.tracker = new BucketHealthTracker(options);
  }

  /** Starts following every bucket's refreshes and dumps, once the stores are registered. */
  onModuleInit(): void {
    this.tracker.follow(this.registry.getStores());
  }

  /**
   * Checks every bucket (or only `buckets`) and returns terminus' result under `key`, with the
   * health of each bucket in `buckets`.
   */
  isHealthy<const Key extends string = 'cache-worker'>(
    key: Key = 'cache-worker' as Key,
    buckets?: string[],
  ): HealthIndicatorResult<Key> {
    const stores = buckets
      ? buckets.map((bucket) => this.registry.getStore(bucket)).filter((store) => store !== undefined)
      : this.registry.getStores();
    const details: Record<string, CacheWorkerBucketHealth> = {};
    for (const store of stores) details[store.bucket] = this.bucketHealth(store);
    const indicator = this.healthIndicatorService.check(key);
    const down = Object.values(details).some((bucket) => bucket.status === 'down');
    return down ? indicator.down({ buckets: details }) : indicator.up({ buckets: details });
  }

  /** The health of one bucket. */
  bucketHealth(store: CacheWorkerStore): CacheWorkerBucketHealth {
    return this.tracker.bucketHealth(store);
  }
}
