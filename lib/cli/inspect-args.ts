import * as messages from '../cache-worker.messages.js';

/** What `nest-cache-worker inspect` was asked. */
export interface InspectArgs {
  file: string;
  /** How many keys to list. */
  keys: number;
  json: boolean;
  values: boolean;
}

/** Keys listed when `--keys` is not given. */
export const DEFAULT_KEYS_LISTED = 10;

/** Reads the arguments after `inspect`; an `error` says what is wrong with them. */
export function parseInspectArgs(args: readonly string[]): InspectArgs | { error: string } {
  const parsed: Partial<InspectArgs> = { keys: DEFAULT_KEYS_LISTED, json: false, values: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') parsed.json = true;
    else if (arg === '--values') parsed.values = true;
    else if (arg === '--keys' || arg.startsWith('--keys=')) {
      const count = arg === '--keys' ? args[++i] : arg.slice('--keys='.length);
      if (count === undefined || !/^\d+$/.test(count)) return { error: messages.cliBadKeyCount(count) };
      parsed.keys = Number(count);
    } else if (arg.startsWith('-') && arg !== '-') return { error: messages.cliUnknownOption(arg) };
    else if (parsed.file !== undefined) return { error: messages.cliExtraArgument(arg) };
    else parsed.file = arg;
  }
  if (parsed.file === undefined) return { error: messages.cliMissingFile() };
  return parsed as InspectArgs;
}
