import { CacheWorker, CacheWorkerStore, type LoadContext, type LoadResult } from '../../lib/index.js';
import type { Widget } from './widget.store.js';

// Compiled by `npm run typecheck`, never run: a `load` must return the store's value type.

@CacheWorker({ bucket: 'sync-load' })
export class SyncLoad extends CacheWorkerStore<string, Widget> {
  load(id: string, { signal }: LoadContext): LoadResult<Widget> {
    return signal.aborted ? { ok: false, error: 'aborted' } : { ok: true, value: { id, name: id } };
  }
}

@CacheWorker({ bucket: 'wrong-value' })
export class WrongValue extends CacheWorkerStore<string, Widget> {
  // @ts-expect-error a number is not a Widget
  async load(): Promise<LoadResult<number>> {
    return { ok: true, value: 1 };
  }
}

@CacheWorker({ bucket: 'bare-value' })
export class BareValue extends CacheWorkerStore<string, Widget> {
  // @ts-expect-error `load` returns a result (`{ ok: true, value }`), not the bare value
  async load(id: string): Promise<Widget> {
    return { id, name: id };
  }
}

@CacheWorker({ bucket: 'wrong-extra' })
export class WrongExtra extends CacheWorkerStore<number, Widget> {
  load(id: number): LoadResult<Widget, number> {
    const extra = new Map([['other', { id: 'o', name: '' }]]);
    // @ts-expect-error the keys of `extra` are this store's keys (numbers), not strings
    return { ok: true, value: { id: String(id), name: '' }, extra };
  }
}
