import { Module } from '@nestjs/common';
import { CacheWorkerOrchestrator } from './cache-worker.orchestrator.js';
import { CacheWorkerRegistry } from './cache-worker.registry.js';

/** The providers every app has once, however many features register stores. */
@Module({
  providers: [CacheWorkerRegistry, CacheWorkerOrchestrator],
  exports: [CacheWorkerRegistry],
})
export class CacheWorkerCoreModule {}
