/**
 * The cache board: a page in the browser and a JSON API showing every bucket.
 *
 * @packageDocumentation
 * @module nest-cache-worker/board
 */
export { CacheWorkerBoardModule } from './cache-worker-board.module.js';
export {
  BOARD_HISTORY_MS,
  type CacheWorkerBoardOptions,
  DEFAULT_BOARD_OPTIONS,
  MIN_SAMPLE_INTERVAL,
} from './cache-worker-board.options.js';
export { CSRF_HEADER } from './board-csrf.guard.js';
export type { BoardBucket, BoardLookup, BoardOverview } from './board.view.js';
export type { BucketHistory } from './bucket-samples.js';
export type { ClusterRole } from '../cluster/index.js';
export type { BoardKeyFormat } from './board-key.js';
