import { Controller, Get, Param } from '@nestjs/common';
import { WidgetEvents } from './widget.events.js';
import { WidgetSource } from './widget.source.js';
import { WidgetStore } from './widget.store.js';

@Controller('widgets')
export class WidgetsController {
  constructor(
    private readonly store: WidgetStore,
    private readonly source: WidgetSource,
    private readonly events: WidgetEvents,
  ) {}

  @Get(':id')
  async read(@Param('id') id: string) {
    const widget = await this.store.get(id);
    return { widget, sourceCalls: this.source.calls, loadedEvents: this.events.loaded };
  }
}
