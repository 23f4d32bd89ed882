import { CacheWorker, CacheWorkerStore, type LoadResult } from '../../lib/index.js';

/** The value type every type-level test uses. */
export interface Widget {
  id: string;
  name: string;
}

/** A store as a user writes it; the type-level tests compile against it. */
@CacheWorker({ bucket: 'typed-widgets', refreshInterval: 60_000 })
export class WidgetStore extends CacheWorkerStore<string, Widget> {
  async load(id: string): Promise<LoadResult<Widget>> {
    return { ok: true, value: { id, name: `widget ${id}` }, extra: { [`${id}-copy`]: { id, name: 'copy' } } };
  }
}
