export { encodeDump, type EncodedDump } from './dump-codec.js';
export { decodeDump, entryAge, type DecodedDump } from './dump-decoder.js';
export { DumpScheduler } from './dump-scheduler.js';
export { eachRevived } from './revive.js';
export { StartUp } from './start-up.js';
