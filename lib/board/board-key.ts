import { BadRequestException } from '@nestjs/common';
import { describeError } from '../utils/describe.js';
import * as messages from '../cache-worker.messages.js';

/** How the board reads a key typed by a person: as the text itself, or as JSON (numbers, objects, arrays). */
export type BoardKeyFormat = 'text' | 'json';

/** The key a lookup or an invalidation names; a 400 with the reason when it can't be read. */
export function parseBoardKey(key: unknown, format: unknown = 'text'): unknown {
  if (typeof key !== 'string') throw new BadRequestException(messages.boardMissingKey());
  if (format === 'text') return key;
  if (format !== 'json') throw new BadRequestException(messages.boardBadFormat(format));
  try {
    return JSON.parse(key) as unknown;
  } catch (error) {
    throw new BadRequestException(messages.boardBadJsonKey(describeError(error)));
  }
}
