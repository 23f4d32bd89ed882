/** The logger the engine writes to; Nest's `Logger` fits it. */
export interface CacheWorkerLogger {
  /** Startup and progress lines. */
  log(message: string): void;
  /** Something went wrong and was worked around. */
  warn(message: string): void;
  /** Something failed. */
  error(message: string): void;
  /** Details for troubleshooting. */
  debug(message: string): void;
}
