export * from './cache-worker.events.js';
