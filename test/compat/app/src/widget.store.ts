import { CacheWorker, CacheWorkerStore, type LoadResult } from 'nest-cache-worker';
import { WidgetSource } from './widget.source.js';

export interface Widget {
  id: string;
  name: string;
}

// The constructor parameter is resolved through emitted decorator metadata, which proves that
// `reflect-metadata` and the package's decorator reach the app's Nest.
@CacheWorker({ bucket: 'widgets', refreshInterval: 60_000 })
export class WidgetStore extends CacheWorkerStore<string, Widget> {
  constructor(private readonly source: WidgetSource) {
    super();
  }

  async load(id: string): Promise<LoadResult<Widget>> {
    return { ok: true, value: await this.source.getWidget(id) };
  }
}
