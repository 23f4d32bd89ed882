export { encodeChunks, encodeDump, encodeHeader, type EncodedChunk, type EncodedDump } from './dump-codec.js';
export { decodeDump, decodeHeader, entryAge, PayloadDecoder, type DecodedChunks, type DecodedDump } from './dump-decoder.js';
export { DumpScheduler } from './dump-scheduler.js';
export { eachChunkInSlices, eachRevived, eachRevivedInSlices, SLICE_ENTRIES } from './revive.js';
export { StartUp } from './start-up.js';
export { SnapshotApplication } from './snapshot-application.js';
