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
  /** Whether debug lines are wanted; when it answers false, the per-load debug line isn't even built. */
  isDebugEnabled?(): boolean;
}
