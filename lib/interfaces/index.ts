export * from './cache-worker-config.interface.js';
export * from './fetch-result.interface.js';
export * from './init-result.interface.js';
export * from './load-result.interface.js';
export * from './module-options.interface.js';
export * from './stats.interface.js';
