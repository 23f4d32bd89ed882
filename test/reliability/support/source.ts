import type { Type } from '@nestjs/common';
import { CacheWorker, CacheWorkerStore, type CacheWorkerOptions, type LoadResult } from '../../../lib/index.js';

/** A data source the test can take down and bring back; its values change with `version`. */
export class Source {
  down = false;
  version = 1;
  calls = 0;

  value(key: string): string {
    return `${key}@v${this.version}`;
  }
}

/** A store class over `source`, decorated with `options`; a new class per call, so tests don't share metadata. */
export function sourceStore(options: CacheWorkerOptions, source: Source): Type<CacheWorkerStore<string, string>> {
  @CacheWorker(options)
  class SourceStore extends CacheWorkerStore<string, string> {
    load(key: string): LoadResult<string> {
      source.calls++;
      return source.down ? { ok: false, error: 'source is down' } : { ok: true, value: source.value(key) };
    }
  }
  return SourceStore;
}
