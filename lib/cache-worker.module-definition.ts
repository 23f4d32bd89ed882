import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CacheWorkerModuleOptions } from './interfaces/module-options.interface.js';

/** `forRoot`/`forRootAsync`, built the standard way; the module makes them global. */
const definition = new ConfigurableModuleBuilder<CacheWorkerModuleOptions>({ moduleName: 'CacheWorker' })
  .setClassMethodName('forRoot')
  .build();

export const {
  ConfigurableModuleClass: CacheWorkerConfigurableModule,
  OPTIONS_TYPE: CACHE_WORKER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CACHE_WORKER_ASYNC_OPTIONS_TYPE,
} = definition;

/** Injection token of the options given to `CacheWorkerModule.forRoot` (or made by `forRootAsync`). */
export const CACHE_WORKER_MODULE_OPTIONS = definition.MODULE_OPTIONS_TOKEN;
