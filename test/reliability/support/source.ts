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

/**
 * The traffic the metrics tests count: `a` and `b` load, `a` hits, `c` fails while the source is down,
 * then a full refresh reloads `a` and `b` and writes the dump (when the bucket has a file). That is 1
 * hit, 3 misses, 5 loads of which 1 failed, 1 refresh, and 2 entries.
 */
export async function readAndRefresh(store: CacheWorkerStore<string, string>, source: Source): Promise<void> {
  await store.fetch('a');
  await store.fetch('b');
  await store.fetch('a');
  source.down = true;
  await store.fetch('c');
  source.down = false;
  await store.fullRefresh();
}
