/** Invalid configuration: the message names the bucket and the field. */
export class CacheWorkerConfigError extends Error {
  /** Always `'CacheWorkerConfigError'`. */
  override name = 'CacheWorkerConfigError';
}

/** An `init` returned `{ stop }`: application bootstrap fails with its reason. */
export class CacheWorkerStopError extends Error {
  /** Always `'CacheWorkerStopError'`. */
  override name = 'CacheWorkerStopError';
}

/** A dump file that can't be read as this bucket's dump. */
export class CacheWorkerDumpError extends Error {
  /** Always `'CacheWorkerDumpError'`. */
  override name = 'CacheWorkerDumpError';
}

/** A key the bucket can't use (too deeply nested or cyclic). */
export class CacheWorkerKeyError extends Error {
  /** Always `'CacheWorkerKeyError'`. */
  override name = 'CacheWorkerKeyError';
}
