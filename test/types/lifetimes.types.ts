import { CacheWorker, CacheWorkerStore, type EntryInspection, type LoadResult } from '../../lib/index.js';
import type { Widget } from './widget.store.js';

// Compiled by `npm run typecheck`, never run: the shapes of entry lifetimes.

@CacheWorker({ bucket: 'own-ages', maxAge: 60_000, expireAfterIdle: 10_000, refreshAfter: 5_000, failureBackoff: 1_000 })
export class OwnAges extends CacheWorkerStore<string, Widget> {
  load(id: string): LoadResult<Widget> {
    return id === '' ? { ok: false, error: 'not found', retryAfter: 60_000 } : { ok: true, value: { id, name: id }, maxAge: 1_000 };
  }
}

@CacheWorker({ bucket: 'bad-age' })
export class BadAge extends CacheWorkerStore<string, Widget> {
  load(id: string): LoadResult<Widget> {
    // @ts-expect-error an own max age is a number of milliseconds
    return { ok: true, value: { id, name: id }, maxAge: '1s' };
  }
}

export function inspected(store: OwnAges): number | null {
  store.set('w', { id: 'w', name: 'w' }, { maxAge: 500 });
  // @ts-expect-error set's maxAge is a number of milliseconds
  store.set('w', { id: 'w', name: 'w' }, { maxAge: '500' });
  const entry: EntryInspection<Widget> | undefined = store.inspect('w');
  const stats = store.stats();
  return entry === undefined ? stats.expirations + stats.refreshesOnRead + stats.backoffHits : entry.expiresAt;
}

// @ts-expect-error the lifetime fields are numbers of milliseconds or null
@CacheWorker({ bucket: 'bad-field', maxAge: '1h' })
export class BadField extends CacheWorkerStore<string, Widget> {
  load(id: string): LoadResult<Widget> {
    return { ok: true, value: { id, name: id } };
  }
}
