import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Widget } from './widget.interface.js';
import { WidgetService } from './widget.service.js';

/** Name of the response header that tells whether the slow source was called for the request. */
export const CACHE_HEADER = 'X-Cache';

/** The part of the HTTP response the controller touches. */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** `GET /widgets/:id`, `GET /widgets?ids=1,2,3` and `GET /widgets`. */
@Controller('widgets')
export class WidgetController {
  constructor(private readonly widgets: WidgetService) {}

  /** With `?ids=1,2,3`: those widgets, in that order (`null` for an unknown id); without: the ids currently cached. */
  @Get()
  list(@Query('ids') ids?: string | string[]): Promise<(Widget | null)[]> | string[] {
    if (ids === undefined) return this.widgets.cachedIds();
    return this.widgets.findMany(String(ids).split(',').filter((id) => id !== ''));
  }

  /** One widget; `X-Cache: HIT` when it came from memory, `MISS` when the source was called. */
  @Get(':id')
  async findOne(@Param('id') id: string, @Res({ passthrough: true }) response: HeaderSink): Promise<Widget> {
    const { widget, fromSource } = await this.widgets.findOne(id);
    response.setHeader(CACHE_HEADER, fromSource ? 'MISS' : 'HIT');
    return widget;
  }
}
