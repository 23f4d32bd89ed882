export { encodeChunks, encodeDump, encodeHeader, type EncodedChunk, type EncodedDump } from './dump-codec.js';
export { decodeChunkBody, detachedBody, type ChunkBody, type DecodedChunk } from './dump-chunk.js';
export { checkCount, decodeDump, entryAge, PayloadDecoder, type DecodedDump, type DumpChunks } from './dump-decoder.js';
export { decodeHeader, type DumpHeader } from './dump-header.js';
export { DumpScheduler } from './dump-scheduler.js';
export { eachRevived, eachRevivedInSlices } from './revive.js';
export { StartUp } from './start-up.js';
export { SnapshotApplication } from './snapshot-application.js';
