import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { CACHE_WORKER_EVENTS, type CacheWorkerLoadedEvent } from 'nest-cache-worker';

/** Counts the `loaded` events the library emits through the app's `@nestjs/event-emitter`. */
@Injectable()
export class WidgetEvents {
  loaded = 0;

  @OnEvent(CACHE_WORKER_EVENTS.loaded)
  onLoaded(event: CacheWorkerLoadedEvent<string>): void {
    if (event.bucket === 'widgets') this.loaded++;
  }
}
