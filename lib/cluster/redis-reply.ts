import * as messages from '../cache-worker.messages.js';

export const isOk = (reply: unknown): reply is 'OK' => reply === 'OK';
export const isZeroOrOne = (reply: unknown): reply is 0 | 1 => reply === 0 || reply === 1;

/** Returns a reply Redis gave in the expected shape, or throws naming the command. */
export function expectReply<T>(command: string, reply: unknown, expected: (reply: unknown) => reply is T): T {
  if (!expected(reply)) throw new Error(messages.unexpectedRedisReply(command, reply));
  return reply;
}
