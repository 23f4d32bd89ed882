import { expectTypeOf } from 'expect-type';
import type { CacheWorkerRegistry, DumpResult, FetchNoSaveResult, FetchResult } from '../../lib/index.js';
import { type Widget, WidgetStore } from './widget.store.js';

// Compiled by `npm run typecheck`, never run: every line states what a consumer's compiler sees.

export async function fetchNarrowsOnOk(store: WidgetStore): Promise<void> {
  const result = await store.fetch('a');
  expectTypeOf(result).toEqualTypeOf<FetchResult<Widget>>();
  if (result.ok) {
    expectTypeOf(result.value).toEqualTypeOf<Widget>();
    expectTypeOf(result.loaded).toEqualTypeOf<boolean>();
  } else {
    expectTypeOf(result.error).toEqualTypeOf<string>();
  }
  // @ts-expect-error `value` exists only once `ok` is checked
  void result.value;

  const noSave = await store.fetchNoSave('a');
  expectTypeOf(noSave).toEqualTypeOf<FetchNoSaveResult<Widget>>();
  if (noSave.ok) expectTypeOf(noSave.loaded).toEqualTypeOf<boolean>();

  const dump = await store.dump();
  expectTypeOf(dump).toEqualTypeOf<DumpResult>();
  if (dump.ok) expectTypeOf(dump.entries).toEqualTypeOf<number>();
  else expectTypeOf(dump.error).toEqualTypeOf<string>();
}

export async function getAndPeekKeepTheValueType(store: WidgetStore): Promise<void> {
  expectTypeOf(await store.get('a')).toEqualTypeOf<Widget | undefined>();
  expectTypeOf(store.peek('a')).toEqualTypeOf<Widget | undefined>();
  expectTypeOf(store.keys()).toEqualTypeOf<string[]>();
  // @ts-expect-error the default must be a Widget
  await store.get('a', { default: 'none' });
}

export function keysAndValuesAreChecked(store: WidgetStore): void {
  // @ts-expect-error the keys of this store are strings
  void store.fetch(42);
  // @ts-expect-error a value must be a whole Widget
  store.set('a', { id: 'a' });
  // @ts-expect-error `fetch` has no such option
  void store.fetch('a', { refresh: true });
}

export function registryHandsOutTypedStores(registry: CacheWorkerRegistry): void {
  const store = registry.getStore<string, Widget>('typed-widgets');
  expectTypeOf(store?.peek('a')).toEqualTypeOf<Widget | undefined>();
}
