import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { LOGGER_CONTEXT_PREFIX, REFRESH_INTERVAL_PREFIX } from './cache-worker.constants.js';
import { CACHE_WORKER_MODULE_OPTIONS } from './cache-worker.module-definition.js';
import { CacheWorkerRegistry } from './cache-worker.registry.js';
import type { CacheWorkerModuleOptions } from './interfaces/module-options.interface.js';
import { engineOf, type CacheWorkerStore } from './store/cache-worker.store.js';
import { ClusterCoordinator, type BucketCoordinator, type ClusterRole } from './cluster/index.js';
import * as messages from './cache-worker.messages.js';

/**
 * The lifecycle of every registered store: fill from dump or `init` at module init, start refresh
 * timers at application bootstrap, and at shutdown stop them, abort loads and write the final dumps.
 */
@Injectable()
export class CacheWorkerOrchestrator implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CacheWorker');
  /** The app's registry when it imports ScheduleModule, else one of our own. */
  private readonly schedulerRegistry: SchedulerRegistry;
  private readonly intervalNames: string[] = [];
  /** Cluster mode, when `forRoot({ cluster })` turns it on, and the coordinator of each bucket taking part. */
  private cluster: ClusterCoordinator | null = null;
  private readonly members = new Map<string, BucketCoordinator>();

  constructor(
    private readonly registry: CacheWorkerRegistry,
    @Optional() schedulerRegistry?: SchedulerRegistry,
    @Optional() @Inject(CACHE_WORKER_MODULE_OPTIONS) private readonly rootOptions?: CacheWorkerModuleOptions,
  ) {
    this.schedulerRegistry = schedulerRegistry ?? new SchedulerRegistry();
  }

  async onModuleInit(): Promise<void> {
    const known = new Set(this.registry.getBuckets());
    const unknown = Object.keys(this.rootOptions?.buckets ?? {}).filter((bucket) => !known.has(bucket));
    if (unknown.length > 0) this.logger.warn(messages.unknownBuckets(unknown));
    if (this.rootOptions?.cluster !== undefined) this.cluster = await ClusterCoordinator.open(this.rootOptions.cluster, this.logger);
    try {
      await Promise.all(this.registry.getStores().map((store) => this.startStore(store)));
    } catch (error) {
      await this.cluster?.close(); // bootstrap fails: no shutdown hook will close the Redis connections
      throw error;
    }
  }

  /** Fills a store from its dump, or (cluster mode) the newer shared snapshot, or `init`. */
  private startStore(store: CacheWorkerStore): Promise<void> {
    const engine = engineOf(store);
    const { cluster, cacheEnabled, bucket } = store.config;
    if (this.cluster === null || !cluster || !cacheEnabled) return engine.start();
    const member = this.cluster.join(engine, new Logger(`${LOGGER_CONTEXT_PREFIX}${bucket}`));
    this.members.set(bucket, member as BucketCoordinator);
    return engine.start(member.sharedSnapshot).then(() => member.started());
  }

  /** This instance's part in a bucket's cluster mode; `local` for a bucket outside it. */
  clusterRole(bucket: string): ClusterRole {
    return this.members.get(bucket)?.role ?? 'local';
  }

  onApplicationBootstrap(): void {
    for (const store of this.registry.getStores()) {
      const { refreshInterval, cacheEnabled, bucket } = store.config;
      if (!refreshInterval || !cacheEnabled) continue;
      const engine = engineOf(store);
      const member = this.members.get(bucket);
      const tick = member ? () => void member.tick() : () => engine.refreshTick();
      const name = `${REFRESH_INTERVAL_PREFIX}${bucket}`;
      this.schedulerRegistry.addInterval(name, setInterval(tick, refreshInterval));
      this.intervalNames.push(name);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const name of this.intervalNames.splice(0)) {
      if (this.schedulerRegistry.doesExist('interval', name)) this.schedulerRegistry.deleteInterval(name);
    }
    await Promise.all(this.registry.getStores().map((store) => engineOf(store).close()));
    await this.cluster?.close();
  }
}
