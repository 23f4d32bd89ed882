export * from './cache-worker.decorator.js';
