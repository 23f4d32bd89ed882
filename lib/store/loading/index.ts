export { FailureBackoff } from './failure-backoff.js';
export { Flights, type FailedOutcome, type Flight, type LoadedOutcome } from './flights.js';
export { isThenable, LoadRunner, type LoadFunction, type LoadManyFunction, type Loaders } from './load-runner.js';
export type { LoadOutcome } from './load-result.js';
