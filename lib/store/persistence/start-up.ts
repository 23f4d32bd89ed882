import { performance } from 'node:perf_hooks';
import type { CacheWorkerConfig } from '../../interfaces/cache-worker-config.interface.js';
import { CacheWorkerDumpError, CacheWorkerStopError } from '../../errors/cache-worker.errors.js';
import { describeError } from '../../utils/describe.js';
import * as messages from '../../cache-worker.messages.js';
import { pastMaxAge, type Bucket } from '../bucket/index.js';
import { entriesOf } from '../entries-of.js';
import type { CacheWorkerLogger } from '../logger.interface.js';
import type { StatsCounters } from '../stats.js';
import type { StoreCallbacks } from '../store-callbacks.js';
import { ownMaxAgeOf, storedAtOf, type DumpChunks, type DecodedDump } from './dump-decoder.js';
import { quarantineDumpFile, readDumpFile, removeOldCorruptFiles, removeStaleTempFiles } from './dump-file.js';
import type { DumpScheduler } from './dump-scheduler.js';
import { eachRevived, eachRevivedInSlices } from './revive.js';

/**
 * How a bucket is filled at startup: by `fill`, from the `shared` snapshot (cluster mode) when there
 * is one, else from its dump; or by the store's `init` (`runInit`) when neither could be read.
 */
export class StartUp<K, V> {
  constructor(
    private readonly config: CacheWorkerConfig,
    private readonly bucket: Bucket<K, V>,
    private readonly counters: StatsCounters,
    private readonly logger: CacheWorkerLogger,
    private readonly callbacks: Pick<StoreCallbacks<K, V>, 'init' | 'revive'>,
    private readonly dumps: DumpScheduler,
  ) {}

  /** Fills the bucket from the shared snapshot or the dump; false when there was neither. */
  async fill(shared?: () => Promise<DumpChunks | null>): Promise<boolean> {
    const { file, cacheEnabled } = this.config;
    const started = performance.now();
    let local: DecodedDump | null = null;
    if (file && cacheEnabled) {
      await this.dumps.prepareFolder();
      const removed = await removeStaleTempFiles(file);
      if (removed > 0) this.logger.debug(messages.staleTempRemoved(removed));
      local = await this.readDump(file);
    }
    const remote = shared && cacheEnabled ? await shared() : null;
    // The shared snapshot is the cluster's state; the local dump is for when Redis has none. Their
    // times come from two machines' clocks, which can't be compared.
    if (remote !== null) {
      const hadDump = local !== null;
      local = null; // not held through the fill
      if (await this.fillInSlices(remote)) {
        this.counters.startedFrom = 'snapshot';
        this.logger.log(messages.snapshotLoaded(this.bucket.size, performance.now() - started));
        if (hadDump) this.dumps.schedule(); // bring the dump on disk up to date
        return true;
      }
      if (hadDump) local = await this.readDump(file!);
    }
    if (local !== null) {
      this.fillFromDump(local);
      this.counters.startedFrom = 'dump';
      this.counters.lastDumpAt = local.createdAt;
      this.logger.log(messages.dumpLoaded(this.bucket.size, file!, performance.now() - started));
      return true;
    }
    this.counters.startedFrom = this.callbacks.init ? 'init' : 'empty';
    return false;
  }

  /** Fills the bucket from its dump (see `keeper`). */
  private fillFromDump(dump: DecodedDump): void {
    const { revive } = this.callbacks;
    if (!this.bucket.bounded && dump.ages === null && this.config.maxAge === null) {
      eachRevived<K, V>(dump.flat, revive, this.logger, (key, value) => this.bucket.set(key, value)); // no ages at all
      return;
    }
    const keep = this.keeper();
    eachRevived<K, V>(dump.flat, revive, this.logger, (key, value, index) =>
      keep.add(key, value, storedAtOf(dump.ages, dump.createdAt, index), ownMaxAgeOf(dump.ages, index)),
    );
    keep.done();
  }

  /**
   * `fill` for the shared snapshot, in slices with turns of the event loop between them: the instance
   * keeps hearing from Redis. False, the bucket emptied again, when a value or chunk can't be used,
   * or reading them from Redis failed.
   */
  private async fillInSlices(snapshot: DumpChunks): Promise<boolean> {
    const keep = this.keeper();
    try {
      await eachRevivedInSlices<K, V>(snapshot, this.callbacks.revive, this.logger, keep.add);
    } catch (error) {
      this.bucket.clear();
      this.logger.warn(messages.snapshotUnusable(error instanceof CacheWorkerDumpError ? error.message : describeError(error)));
      return false;
    }
    keep.done();
    return true;
  }

  /**
   * Where the entries of a dump or snapshot go, each keeping when it was stored and its own max age;
   * those already past their age are left out. A bounded bucket gathers them in their dump's order and
   * keeps those ranked first (a smaller bound than the writer's keeps the best).
   */
  private keeper(): { add: (key: K, value: V, storedAt: number, ownMaxAge: number) => void; done: () => void } {
    const now = Date.now();
    const { maxAge } = this.config;
    if (!this.bucket.bounded) {
      return {
        add: (key, value, storedAt, ownMaxAge) => {
          if (!pastMaxAge(storedAt, ownMaxAge, maxAge, now)) this.bucket.set(key, value, ownMaxAge, storedAt);
        },
        done: () => undefined,
      };
    }
    const keys: K[] = [];
    const values: V[] = [];
    const ownMaxAges: number[] = [];
    const storedAts: number[] = [];
    return {
      add: (key, value, storedAt, ownMaxAge) => {
        if (pastMaxAge(storedAt, ownMaxAge, maxAge, now)) return;
        keys.push(key);
        values.push(value);
        ownMaxAges.push(ownMaxAge);
        storedAts.push(storedAt);
      },
      done: () => this.bucket.fillRanked(keys, values, ownMaxAges, storedAts),
    };
  }

  /** Reads this bucket's dump; a missing or unusable one (moved aside) gives null. */
  private async readDump(file: string): Promise<DecodedDump | null> {
    try {
      return await readDumpFile(file, this.config.bucket);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.logger.debug(messages.dumpMissing(file));
        return null;
      }
      const reason = error instanceof CacheWorkerDumpError ? error.message : describeError(error);
      const keptAs = await quarantineDumpFile(file);
      this.logger.warn(messages.dumpUnreadable(file, reason, keptAs));
      const removed = await removeOldCorruptFiles(file);
      if (removed > 0) this.logger.debug(messages.oldCorruptRemoved(removed));
      return null;
    }
  }

  /** Runs the store's `init`, when it has one, and stores its seed. */
  async runInit(): Promise<void> {
    if (!this.callbacks.init) return;
    let result: unknown;
    try {
      result = await this.callbacks.init(this.config);
    } catch (error) {
      this.logger.warn(messages.initThrew(describeError(error)));
      return;
    }
    if (result === undefined || result === null) return;
    if (typeof result !== 'object') {
      this.logger.warn(messages.initInvalidResult());
      return;
    }
    const answer = result as { ok?: unknown; seed?: unknown; warn?: unknown; error?: unknown; stop?: unknown };
    if ('stop' in answer) throw new CacheWorkerStopError(messages.initStopped(this.config.bucket, String(answer.stop)));
    if ('warn' in answer) this.logger.warn(messages.initWarned(String(answer.warn)));
    else if (answer.ok === false || 'error' in answer) this.logger.error(messages.initFailed(describeError(answer.error)));
    else if (answer.ok === true) await this.applySeed(answer.seed);
    else this.logger.warn(messages.initInvalidResult());
  }

  private async applySeed(seed: unknown): Promise<void> {
    if (seed === undefined || seed === null || !this.config.cacheEnabled) return;
    try {
      for (const [key, value] of entriesOf(seed)) this.bucket.set(key as K, value as V);
    } catch (error) {
      this.logger.warn(messages.initSeedInvalid(describeError(error)));
      return;
    }
    if (this.config.file) await this.dumps.dump();
  }
}
