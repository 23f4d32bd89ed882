import { expectTypeOf } from 'expect-type';
import {
  CacheWorker,
  CacheWorkerBatchStore,
  CacheWorkerStore,
  type FetchResult,
  type LoadContext,
  type LoadResult,
} from '../../lib/index.js';
import type { Widget } from './widget.store.js';

// Compiled by `npm run typecheck`, never run: what a store with `loadMany` may return, and what `fetchMany` gives.

@CacheWorker({ bucket: 'bulk-only' })
export class BulkOnly extends CacheWorkerBatchStore<string, Widget> {
  async loadMany(ids: string[], { signal }: LoadContext): Promise<Map<string, LoadResult<Widget>>> {
    return new Map(ids.map((id) => [id, signal.aborted ? { ok: false, error: 'aborted' } : { ok: true, value: { id, name: id } }]));
  }
}

@CacheWorker({ bucket: 'both-ways' })
export class BothWays extends CacheWorkerStore<number, Widget> {
  load(id: number): LoadResult<Widget> {
    return { ok: true, value: { id: String(id), name: '' } };
  }

  override loadMany(ids: number[]): (LoadResult<Widget> | undefined)[] {
    return ids.map((id) => (id > 0 ? { ok: true, value: { id: String(id), name: '' } } : undefined));
  }
}

@CacheWorker({ bucket: 'pairs' })
export class Pairs extends CacheWorkerBatchStore<string, Widget> {
  *loadMany(ids: string[]): Iterable<[string, LoadResult<Widget>]> {
    for (const id of ids) yield [id, { ok: true, value: { id, name: id } }];
  }
}

@CacheWorker({ bucket: 'wrong-many' })
export class WrongMany extends CacheWorkerBatchStore<string, Widget> {
  // @ts-expect-error a number is not a Widget
  async loadMany(ids: string[]): Promise<LoadResult<number>[]> {
    return ids.map(() => ({ ok: true, value: 1 }));
  }
}

@CacheWorker({ bucket: 'bare-many' })
export class BareMany extends CacheWorkerBatchStore<string, Widget> {
  // @ts-expect-error `loadMany` answers results (`{ ok: true, value }`), not bare values
  async loadMany(ids: string[]): Promise<Widget[]> {
    return ids.map((id) => ({ id, name: id }));
  }
}

export async function fetchManyKeepsTheTypes(store: BulkOnly): Promise<void> {
  expectTypeOf(await store.fetchMany(['a', 'b'])).toEqualTypeOf<FetchResult<Widget>[]>();
  expectTypeOf(await store.fetchMany(new Set(['a']), { skipSave: true })).toEqualTypeOf<FetchResult<Widget>[]>();
  expectTypeOf(await store.getMany(['a'])).toEqualTypeOf<(Widget | undefined)[]>();
  // @ts-expect-error the keys of this store are strings
  await store.fetchMany([1, 2]);
  // @ts-expect-error the default must be a Widget
  await store.getMany(['a'], { default: 'none' });
}
