/** The path of an executable `command` on PATH or in the system folders, or null. */
export function findCommand(command: string): string | null;
