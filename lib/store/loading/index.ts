export { Flights, type Flight, type LoadedOutcome } from './flights.js';
export { isThenable, LoadRunner, type LoadFunction, type LoadOutcome } from './load-runner.js';
