/** A master, a replica and one Sentinel on 127.0.0.1. */
export interface SentinelGroup {
  /** The master's name in the Sentinel. */
  readonly name: string;
  readonly sentinels: Array<{ host: string; port: number }>;
  /** The port of the master the Sentinel names now. */
  masterPort(): Promise<number>;
  /** Promotes the replica; resolves once the Sentinel names it and it accepts writes. */
  failover(): Promise<void>;
  stop(): Promise<void>;
}

export function startSentinelGroup(): Promise<SentinelGroup>;
