import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as messages from '../cache-worker.messages.js';

/** The header a board action carries its token in: a cross-site form or image can't set a header. */
export const CSRF_HEADER = 'x-csrf-token';

/** The token of one board, made at startup; the page carries it to the actions it sends. */
@Injectable()
export class BoardCsrfToken {
  readonly value = randomBytes(32).toString('base64url');
}

/** Lets an action through only with the board's token. */
@Injectable()
export class BoardCsrfGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(token: BoardCsrfToken) {
    this.expected = Buffer.from(token.value);
  }

  canActivate(context: ExecutionContext): boolean {
    const given = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[CSRF_HEADER];
    const bytes = typeof given === 'string' ? Buffer.from(given) : null;
    if (bytes === null || bytes.length !== this.expected.length || !timingSafeEqual(bytes, this.expected)) {
      throw new ForbiddenException(messages.boardBadCsrfToken());
    }
    return true;
  }
}
