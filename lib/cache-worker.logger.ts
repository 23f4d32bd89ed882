import { Logger } from '@nestjs/common';
import type { CacheWorkerLogger } from './store/logger.interface.js';

/**
 * The Nest logger of one bucket. It tells the engine whether debug lines are wanted, so a refresh of
 * many keys builds no per-load line that the app's log levels would drop.
 */
export class CacheWorkerBucketLogger extends Logger implements CacheWorkerLogger {
  isDebugEnabled(): boolean {
    return Logger.isLevelEnabled('debug');
  }
}
