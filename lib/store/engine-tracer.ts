import type { DumpResult, RefreshResult } from '../interfaces/fetch-result.interface.js';
import type { LoadOutcome } from './loading/index.js';

/** What writing the shared snapshot did (cluster mode). */
export type SnapshotPublishResult =
  | { result: 'published'; version: number; entries: number; bytes: number }
  /** Another instance published a newer snapshot meanwhile; this one was dropped. */
  | { result: 'superseded' }
  | { result: 'failed'; error: string };

/** What applying another instance's snapshot did (cluster mode). */
export type SnapshotApplyResult = { result: 'applied'; version: number; entries: number } | { result: 'failed'; error: string };

/**
 * Follows an engine's operations from their start to their end, as tracing does (an observer only
 * hears that one ended). Each method calls `run` once, synchronously, and returns a promise that
 * settles as `run`'s does; what `run` starts runs within the context the tracer gives it, so the
 * user's `load` sees the load's span as the active one.
 */
export interface EngineTracer<K> {
  /** A call of `load(key)`; `inRefresh` when a full refresh started it. */
  load<V>(key: K, inRefresh: boolean, run: () => Promise<LoadOutcome<V>>): Promise<LoadOutcome<V>>;
  /** A call of `loadMany(keys)`; its outcomes are in the order of `keys`. */
  loadBatch<V>(keys: readonly K[], inRefresh: boolean, run: () => Promise<LoadOutcome<V>[]>): Promise<LoadOutcome<V>[]>;
  /** A full refresh, with the dump that follows it. */
  refresh(run: () => Promise<RefreshResult>): Promise<RefreshResult>;
  /** One write of the dump file. */
  dump(run: () => Promise<DumpResult>): Promise<DumpResult>;
  publishSnapshot(run: () => Promise<SnapshotPublishResult>): Promise<SnapshotPublishResult>;
  applySnapshot(run: () => Promise<SnapshotApplyResult>): Promise<SnapshotApplyResult>;
}

/**
 * The tracer of one engine, shared by its parts (flights, refresher, dumps); empty until an
 * integration sets one, and then each part wraps its operations in it.
 */
export class TracerSlot<K> {
  current: EngineTracer<K> | null = null;
}
