export { runCli, EXIT, type CliOutput } from './run-cli.js';
export { inspectDump, type DumpInspection, type ChecksumVerdict } from './dump-inspection.js';
