import { Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { CacheWorkerStats } from 'nest-cache-worker';
import { widgetNotFound } from './widget-api.service.js';
import type { Widget } from './widget.interface.js';
import { WidgetStore } from './widget.store.js';

/** A widget and whether this request had to ask the slow source for it. */
export interface WidgetAnswer {
  widget: Widget;
  fromSource: boolean;
}

/** What the application does with widgets; the store is injected like any provider. */
@Injectable()
export class WidgetService {
  constructor(private readonly store: WidgetStore) {}

  /** The widget `id`, from memory when cached, else from the source (and cached). */
  async findOne(id: string): Promise<WidgetAnswer> {
    const result = await this.store.fetch(id);
    if (!result.ok) {
      throw result.error === widgetNotFound(id)
        ? new NotFoundException(result.error)
        : new ServiceUnavailableException(result.error);
    }
    return { widget: result.value, fromSource: result.loaded };
  }

  /** The widgets `ids`, in that order, `null` where the source does not know one: misses share bulk calls. */
  async findMany(ids: string[]): Promise<(Widget | null)[]> {
    const widgets = await this.store.getMany(ids);
    return widgets.map((widget) => widget ?? null);
  }

  /** The ids currently cached. */
  cachedIds(): string[] {
    return this.store.keys();
  }

  /** The store's counters. */
  stats(): CacheWorkerStats {
    return this.store.stats();
  }
}
