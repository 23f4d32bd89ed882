import { Body, Controller, Get, Header, HttpCode, Inject, Injectable, Ip, Param, Post, Query, Req, type Type, UseGuards } from '@nestjs/common';
import type { DumpResult, RefreshResult } from '../interfaces/fetch-result.interface.js';
import { BoardActions } from './board.actions.js';
import { BoardCsrfGuard, BoardCsrfToken } from './board-csrf.guard.js';
import { renderBoardPage } from './board.page.js';
import { BOARD_SCRIPT } from './board.script.js';
import { BOARD_STYLE } from './board.style.js';
import { BoardView, type BoardLookup, type BoardOverview } from './board.view.js';
import { CACHE_WORKER_BOARD_OPTIONS, type ResolvedBoardOptions } from './cache-worker-board.options.js';

/** The page may load its own script and style and call its own API, nothing else. */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page, its script and style, and the read-only JSON API. */
@Injectable() // for its constructor's parameter types; `boardControllers` makes the controller
class BoardReadRoutes {
  constructor(
    private readonly view: BoardView,
    private readonly token: BoardCsrfToken,
    @Inject(CACHE_WORKER_BOARD_OPTIONS) private readonly options: ResolvedBoardOptions,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', PAGE_POLICY)
  @Header('Cache-Control', 'no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  page(@Req() request: { originalUrl?: string; url: string }): string {
    // The page's own address, global prefix included, so its links work wherever the app mounts it.
    const base = (request.originalUrl ?? request.url).split('?')[0]!.replace(/\/+$/, '');
    const { readOnly, showValues } = this.options;
    return renderBoardPage({ base, readOnly, showValues, csrfToken: readOnly ? null : this.token.value });
  }

  @Get('board.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  script(): string {
    return BOARD_SCRIPT;
  }

  @Get('board.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  style(): string {
    return BOARD_STYLE;
  }

  @Get('api/buckets')
  @Header('Cache-Control', 'no-store')
  overview(): BoardOverview {
    return this.view.overview();
  }

  @Get('api/buckets/:bucket/lookup')
  @Header('Cache-Control', 'no-store')
  lookup(@Param('bucket') bucket: string, @Query('key') key: unknown, @Query('format') format: unknown): BoardLookup {
    return this.view.lookup(bucket, key, format);
  }
}

/** The writes of a board that is not read-only: POST only, each behind the CSRF token. */
@Injectable()
class BoardActionRoutes {
  constructor(private readonly actions: BoardActions) {}

  @Post('api/buckets/:bucket/refresh')
  @HttpCode(200)
  refresh(@Param('bucket') bucket: string, @Ip() from: string): Promise<RefreshResult> {
    return this.actions.refresh(bucket, from);
  }

  @Post('api/buckets/:bucket/dump')
  @HttpCode(200)
  dump(@Param('bucket') bucket: string, @Ip() from: string): Promise<DumpResult> {
    return this.actions.dump(bucket, from);
  }

  @Post('api/buckets/:bucket/invalidate')
  @HttpCode(200)
  invalidate(@Param('bucket') bucket: string, @Body() body: { key?: unknown; format?: unknown } | undefined, @Ip() from: string) {
    return this.actions.invalidate(bucket, body?.key, body?.format, from);
  }

  @Post('api/buckets/:bucket/clear')
  @HttpCode(200)
  clear(@Param('bucket') bucket: string, @Ip() from: string): { cleared: number } {
    return this.actions.clear(bucket, from);
  }
}

/**
 * The board's controllers for these options: classes of their own, so that the path and the guard
 * are this board's and two apps in one process can each have theirs.
 */
export function boardControllers(options: ResolvedBoardOptions): Type[] {
  const guards = options.guard ? [options.guard] : [];
  class CacheWorkerBoardController extends BoardReadRoutes {}
  Controller(options.path)(CacheWorkerBoardController);
  UseGuards(...guards)(CacheWorkerBoardController);
  if (options.readOnly) return [CacheWorkerBoardController];
  class CacheWorkerBoardActionsController extends BoardActionRoutes {}
  Controller(options.path)(CacheWorkerBoardActionsController);
  UseGuards(...guards, BoardCsrfGuard)(CacheWorkerBoardActionsController);
  return [CacheWorkerBoardController, CacheWorkerBoardActionsController];
}
