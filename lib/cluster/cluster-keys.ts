/** The Redis keys and channel of one bucket in a namespace. */
export interface ClusterKeys {
  /** Hash of the newest snapshot: version, time, chunk count, bytes. */
  snapshot: string;
  /** Counter the snapshot versions come from. */
  snapshotVersion: string;
  /** The lease of the instance that refreshes the bucket. */
  lease: string;
  /** The channel changes and new snapshots are announced on. */
  channel: string;
  /** One chunk of the snapshot of a version. */
  chunk(version: number, index: number): string;
}

/** The names under `<namespace>:<bucket>:`. */
export function clusterKeys(namespace: string, bucket: string): ClusterKeys {
  const prefix = `${namespace}:${bucket}:`;
  return {
    snapshot: `${prefix}snapshot`,
    snapshotVersion: `${prefix}snapshot:version`,
    lease: `${prefix}lease`,
    channel: `${prefix}changes`,
    chunk: (version, index) => `${prefix}snapshot:${version}:${index}`,
  };
}
