import { Injectable, Logger } from '@nestjs/common';
import type { DumpResult, RefreshResult } from '../interfaces/fetch-result.interface.js';
import { describeKey } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';
import { parseBoardKey } from './board-key.js';
import { BoardView } from './board.view.js';

/** The board's writes (only when it is not read-only); each one is logged with who asked. */
@Injectable()
export class BoardActions {
  private readonly logger = new Logger('CacheWorkerBoard');

  constructor(private readonly view: BoardView) {}

  async refresh(bucket: string, from: string): Promise<RefreshResult> {
    const result = await this.view.store(bucket).fullRefresh();
    this.logger.log(messages.boardRefreshed(bucket, from, result.refreshed, result.failed, result.skipped, result.durationMs));
    return result;
  }

  async dump(bucket: string, from: string): Promise<DumpResult> {
    const result = await this.view.store(bucket).dump();
    this.logger.log(
      messages.boardDumped(bucket, from, result.ok ? messages.dumpWritten(result.entries, result.bytes, result.durationMs) : result.error),
    );
    return result;
  }

  invalidate(bucket: string, key: unknown, format: unknown, from: string): { invalidated: boolean } {
    const store = this.view.store(bucket);
    const parsed = parseBoardKey(key, format);
    const invalidated = store.invalidate(parsed);
    this.logger.log(messages.boardInvalidated(bucket, from, describeKey(parsed, store.config.redactKeys), invalidated));
    return { invalidated };
  }

  clear(bucket: string, from: string): { cleared: number } {
    const store = this.view.store(bucket);
    const cleared = store.size;
    store.clear();
    this.logger.log(messages.boardCleared(bucket, from, cleared));
    return { cleared };
  }
}
