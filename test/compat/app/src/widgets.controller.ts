import { Controller, Get, Param } from '@nestjs/common';
import { WidgetSource } from './widget.source.js';
import { WidgetStore } from './widget.store.js';

@Controller('widgets')
export class WidgetsController {
  constructor(
    private readonly store: WidgetStore,
    private readonly source: WidgetSource,
  ) {}

  @Get(':id')
  async read(@Param('id') id: string) {
    const widget = await this.store.get(id);
    return { widget, sourceCalls: this.source.calls };
  }
}
