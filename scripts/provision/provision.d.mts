/** A command the tests or the bench need, and the Debian/Ubuntu package that provides it. */
export interface RequiredCommand {
  readonly command: string;
  readonly debianPackage: string;
  /** What needs it, for the messages: "the cluster-mode tests and benchmarks". */
  readonly neededBy: string;
}

/** A requirement that can't be met here; its message is the one line to show. */
export class ProvisionError extends Error {}

/** Installs what is missing of `requirements` where it can, else throws a ProvisionError. */
export function provision(requirements?: readonly RequiredCommand[]): Promise<void>;
