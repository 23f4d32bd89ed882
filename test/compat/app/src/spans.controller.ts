import { Controller, Get } from '@nestjs/common';
import { finishedSpans } from './tracing.js';

/** The names of the spans recorded so far, where `CacheWorkerOtelModule` records the cache's. */
@Controller('spans')
export class SpansController {
  @Get()
  names(): string[] {
    return finishedSpans.getFinishedSpans().map((span) => span.name);
  }
}
