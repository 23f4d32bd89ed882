import { Module } from '@nestjs/common';
import { CacheWorkerOrchestrator } from './cache-worker.orchestrator.js';
import { CacheWorkerRegistry } from './cache-worker.registry.js';
import { eventsBridgeProvider } from './events/cache-worker-events.bridge.js';

/** The providers every app has once, however many features register stores (the orchestrator is exported to the board). */
@Module({
  providers: [CacheWorkerRegistry, CacheWorkerOrchestrator, eventsBridgeProvider],
  exports: [CacheWorkerRegistry, CacheWorkerOrchestrator],
})
export class CacheWorkerCoreModule {}
