/** The logger the engine writes to; Nest's `Logger` fits it. */
export interface CacheWorkerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}
