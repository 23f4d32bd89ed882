export * from './cache-worker.errors.js';
