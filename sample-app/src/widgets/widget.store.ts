import { CacheWorker, CacheWorkerBatchStore, type LoadContext, type LoadResult } from 'nest-cache-worker';
import { DEFAULT_DUMP_FILE, DEFAULT_REFRESH_MS } from '../sample.config.js';
import { WidgetApi, widgetNotFound } from './widget-api.service.js';
import type { Widget } from './widget.interface.js';

/**
 * The cache worker of the `widgets` bucket: widgets are loaded from the slow API on first read, kept
 * in memory, refreshed in the background and dumped to a file so that a restart starts warm. The API
 * answers many ids in one call, so the store implements `loadMany`: concurrent misses, `getMany` and
 * every full refresh ask for up to `batchSize` widgets per call.
 * `PORT`, `WIDGET_DUMP_FILE` and `WIDGET_REFRESH_MS` override these settings at runtime (see AppModule).
 */
@CacheWorker({ bucket: 'widgets', file: DEFAULT_DUMP_FILE, refreshInterval: DEFAULT_REFRESH_MS })
export class WidgetStore extends CacheWorkerBatchStore<string, Widget> {
  constructor(private readonly api: WidgetApi) {
    super();
  }

  async loadMany(ids: string[], { signal }: LoadContext): Promise<LoadResult<Widget>[]> {
    const found = await this.api.getWidgets(ids, signal);
    return ids.map((id) => {
      const widget = found.get(id);
      return widget ? { ok: true, value: widget } : { ok: false, error: widgetNotFound(id) };
    });
  }
}
