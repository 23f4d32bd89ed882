import { type DynamicModule, Module } from '@nestjs/common';
import { CacheWorkerCoreModule } from '../cache-worker-core.module.js';
import { BoardActions } from './board.actions.js';
import { boardControllers } from './board.controllers.js';
import { BoardCsrfGuard, BoardCsrfToken } from './board-csrf.guard.js';
import { BoardSampler } from './board.sampler.js';
import { BoardView } from './board.view.js';
import { CACHE_WORKER_BOARD_OPTIONS, type CacheWorkerBoardOptions, resolveBoardOptions } from './cache-worker-board.options.js';

/**
 * The cache board: a page and a JSON API under `path` that show every bucket (counters, refresh,
 * dump, cluster role, health, charts of the last hour) and look keys up; with `readOnly: false`, it
 * also refreshes, dumps, invalidates and clears. Nothing is served unless the app imports it.
 */
@Module({})
export class CacheWorkerBoardModule {
  /** The board, with options checked at once (a wrong one throws `CacheWorkerConfigError` naming it). */
  static forRoot(options: CacheWorkerBoardOptions = {}): DynamicModule {
    const resolved = resolveBoardOptions(options);
    return {
      module: CacheWorkerBoardModule,
      imports: [CacheWorkerCoreModule],
      controllers: boardControllers(resolved),
      providers: [
        { provide: CACHE_WORKER_BOARD_OPTIONS, useValue: resolved },
        BoardSampler,
        BoardView,
        BoardCsrfToken,
        ...(resolved.readOnly ? [] : [BoardActions, BoardCsrfGuard]),
      ],
    };
  }
}
