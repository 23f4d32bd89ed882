export { encodeChunks, encodeDump, encodeHeader, type EncodedChunk, type EncodedDump } from './dump-codec.js';
export {
  checkCount,
  decodeChunkBody,
  decodeDump,
  decodeHeader,
  detachedBody,
  entryAge,
  PayloadDecoder,
  type ChunkBody,
  type DecodedChunk,
  type DecodedDump,
  type DumpChunks,
  type DumpHeader,
} from './dump-decoder.js';
export { DumpScheduler } from './dump-scheduler.js';
export { eachRevived, eachRevivedInSlices } from './revive.js';
export { StartUp } from './start-up.js';
export { SnapshotApplication } from './snapshot-application.js';
