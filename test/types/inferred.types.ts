import { CacheWorker, CacheWorkerStore, type CacheWorkerConfig } from '../../lib/index.js';
import type { Widget } from './widget.store.js';

// Compiled by `npm run typecheck`, never run: callbacks written without return types compile where
// their results fit the store's types (TypeScript infers `ok: boolean` for `ok: true` there), and
// still fail where they don't.

@CacheWorker({ bucket: 'inferred' })
export class InferredCallbacks extends CacheWorkerStore<string, Widget> {
  async load(id: string) {
    if (id === '') return { ok: false, error: 'no id' };
    return { ok: true, value: { id, name: `widget ${id}` }, extra: { [`${id}-copy`]: { id, name: 'copy' } } };
  }

  override async init(config: CacheWorkerConfig) {
    if (config.file === null) return { warn: 'no dump file: every start is cold' };
    return { ok: true, seed: new Map([['1', { id: '1', name: 'first' }]]) };
  }

  override refreshFilter(_id: string, fresh: Widget, old: Widget) {
    return fresh.name !== old.name;
  }

  override revive(value: unknown) {
    return value as Widget;
  }
}

@CacheWorker({ bucket: 'inferred-sync' })
export class InferredSync extends CacheWorkerStore<string, Widget> {
  load(id: string) {
    return { ok: true, value: { id, name: id } };
  }

  override init() {
    return { ok: true, seed: { a: { id: 'a', name: 'a' } } };
  }
}

@CacheWorker({ bucket: 'inferred-stop' })
export class InferredStop extends CacheWorkerStore<string, Widget> {
  load(id: string) {
    return { ok: false, error: `no source for ${id}` };
  }

  override init() {
    return { stop: 'the widget source is required' };
  }
}

@CacheWorker({ bucket: 'inferred-wrong-value' })
export class InferredWrongValue extends CacheWorkerStore<string, Widget> {
  // @ts-expect-error a number is not a Widget, inferred or not
  async load() {
    return { ok: true, value: 1 };
  }
}

@CacheWorker({ bucket: 'inferred-wrong-seed' })
export class InferredWrongSeed extends CacheWorkerStore<string, Widget> {
  load(id: string) {
    return { ok: true, value: { id, name: id } };
  }

  // @ts-expect-error a seed holds Widgets
  override init() {
    return { ok: true, seed: { a: 1 } };
  }
}

@CacheWorker({ bucket: 'inferred-no-value' })
export class InferredNoValue extends CacheWorkerStore<string, Widget> {
  // @ts-expect-error a successful load has a value
  load() {
    return { ok: true };
  }
}
