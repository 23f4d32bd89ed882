import { Controller, Get } from '@nestjs/common';
import type { CacheWorkerStats } from 'nest-cache-worker';
import { WidgetService } from './widget.service.js';

/** `GET /stats`: the counters of the widget store. */
@Controller('stats')
export class StatsController {
  constructor(private readonly widgets: WidgetService) {}

  @Get()
  stats(): CacheWorkerStats {
    return this.widgets.stats();
  }
}
