import { Module } from '@nestjs/common';
import { WidgetApi } from './widget-api.service.js';

/** Provides the remote widget API; the store reaches it through `forFeature`'s `imports`. */
@Module({ providers: [WidgetApi], exports: [WidgetApi] })
export class WidgetApiModule {}
