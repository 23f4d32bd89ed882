export * from './telemetry.module.js';
export * from './telemetry.setup.js';
