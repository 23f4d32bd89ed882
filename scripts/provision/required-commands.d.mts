import type { RequiredCommand } from './provision.mjs';

/** A command of the list, with what needs it. */
export interface ListedCommand extends RequiredCommand {
  readonly for: readonly ('tests' | 'bench')[];
}

export declare const REQUIRED_COMMANDS: readonly ListedCommand[];

/** The commands that `purpose` needs. */
export declare function requiredFor(purpose: 'tests' | 'bench'): ListedCommand[];
