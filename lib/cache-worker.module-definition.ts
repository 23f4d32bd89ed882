import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CacheWorkerModuleOptions } from './interfaces/module-options.interface.js';

/** `forRoot`/`forRootAsync`, built the standard way; the module makes them global. */
export const {
  ConfigurableModuleClass: CacheWorkerConfigurableModule,
  MODULE_OPTIONS_TOKEN: CACHE_WORKER_MODULE_OPTIONS,
  OPTIONS_TYPE: CACHE_WORKER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CACHE_WORKER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CacheWorkerModuleOptions>({ moduleName: 'CacheWorker' })
  .setClassMethodName('forRoot')
  .build();
