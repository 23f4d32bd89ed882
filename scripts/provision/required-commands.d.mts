import type { RequiredCommand } from './provision.mjs';

export declare const REQUIRED_COMMANDS: readonly RequiredCommand[];
