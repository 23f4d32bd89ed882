import * as messages from '../cache-worker.messages.js';
import { inspectDump } from './dump-inspection.js';
import { parseInspectArgs } from './inspect-args.js';
import { inspectionJson, inspectionText, unusableLine } from './inspection-report.js';

/** Where the CLI writes. */
export interface CliOutput {
  write(text: string): unknown;
}

/** Exit codes: 0 a usable dump (or help), 1 an unusable or unreadable dump, 2 a wrong command line. */
export const EXIT = { ok: 0, unusable: 1, usage: 2 } as const;

/** Runs `nest-cache-worker <args>`; resolves to the exit code. */
export async function runCli(args: readonly string[], out: CliOutput, err: CliOutput): Promise<number> {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    out.write(`${messages.cliUsage()}\n`);
    return EXIT.ok;
  }
  if (command !== 'inspect') {
    err.write(`nest-cache-worker: ${command === undefined ? messages.cliMissingCommand() : messages.cliUnknownCommand(command)}\n${messages.cliUsage()}\n`);
    return EXIT.usage;
  }
  const parsed = parseInspectArgs(rest);
  if ('error' in parsed) {
    err.write(`nest-cache-worker inspect: ${parsed.error}\n${messages.cliUsage()}\n`);
    return EXIT.usage;
  }
  const inspection = await inspectDump(parsed.file, parsed);
  out.write(parsed.json ? inspectionJson(inspection) : inspectionText(inspection));
  if (inspection.usable) return EXIT.ok;
  err.write(unusableLine(inspection));
  return EXIT.unusable;
}
