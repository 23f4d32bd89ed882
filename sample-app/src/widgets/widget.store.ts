import { CacheWorker, CacheWorkerStore, type LoadContext, type LoadResult } from 'nest-cache-worker';
import { DEFAULT_DUMP_FILE, DEFAULT_REFRESH_MS } from '../sample.config.js';
import { WidgetApi, widgetNotFound } from './widget-api.service.js';
import type { Widget } from './widget.interface.js';

/**
 * The cache worker of the `widgets` bucket: widgets are loaded from the slow API on first read, kept
 * in memory, refreshed in the background and dumped to a file so that a restart starts warm.
 * `PORT`, `WIDGET_DUMP_FILE` and `WIDGET_REFRESH_MS` override these settings at runtime (see AppModule).
 */
@CacheWorker({ bucket: 'widgets', file: DEFAULT_DUMP_FILE, refreshInterval: DEFAULT_REFRESH_MS })
export class WidgetStore extends CacheWorkerStore<string, Widget> {
  constructor(private readonly api: WidgetApi) {
    super();
  }

  async load(id: string, { signal }: LoadContext): Promise<LoadResult<Widget>> {
    const widget = await this.api.getWidget(id, signal);
    return widget ? { ok: true, value: widget } : { ok: false, error: widgetNotFound(id) };
  }
}
