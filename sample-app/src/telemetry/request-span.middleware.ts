import { Injectable, type NestMiddleware } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

const tracer = trace.getTracer('sample-app');

/**
 * Runs every request within its own span, named after its method and path, as
 * `@opentelemetry/instrumentation-http` does in a real app: a cache miss in the request is a child
 * of that span.
 */
@Injectable()
export class RequestSpanMiddleware implements NestMiddleware {
  use(request: IncomingMessage & { originalUrl?: string }, response: ServerResponse, next: () => void): void {
    // Express gives a middleware the path below its mount point in `url`; `originalUrl` is the whole one.
    tracer.startActiveSpan(`${request.method} ${request.originalUrl ?? request.url}`, (span) => {
      response.on('close', () => {
        span.setAttribute('http.response.status_code', response.statusCode);
        span.end();
      });
      next();
    });
  }
}
