import type { LoggerService } from '@nestjs/common';
import type { CacheWorkerLogger } from '../../lib/index.js';

/** The levels a line can be logged at. */
export type LogLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

/** One line as a user's logger would receive it. */
export interface LogLine {
  level: LogLevel;
  message: string;
  context: string | undefined;
}

/**
 * A logger that keeps every line: the engine's `CacheWorkerLogger` in engine tests, and a Nest
 * `LoggerService` passed to the application in Nest tests (the context is Nest's last string parameter).
 */
export class RecordingLogger implements LoggerService, CacheWorkerLogger {
  readonly lines: LogLine[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.record('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.record('fatal', message, rest);
  }

  /** The lines at one level, optionally only those whose message contains `text`. */
  at(level: LogLevel, text?: string): LogLine[] {
    return this.lines.filter((line) => line.level === level && (text === undefined || line.message.includes(text)));
  }

  /** The messages of every line, one string per line. */
  messages(): string[] {
    return this.lines.map((line) => line.message);
  }

  private record(level: LogLevel, message: unknown, rest: unknown[]): void {
    const last = rest[rest.length - 1];
    this.lines.push({
      level,
      message: typeof message === 'string' ? message : String(message),
      context: typeof last === 'string' ? last : undefined,
    });
  }
}
