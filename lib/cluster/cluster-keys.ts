/** The Redis keys and channel of one bucket in a namespace. */
export interface ClusterKeys {
  /** Hash of the newest snapshot: version, writer, chunk count, bytes, time. */
  snapshot: string;
  /** The lease of the instance that refreshes the bucket. */
  lease: string;
  /** The channel changes and new snapshots are announced on. */
  channel: string;
  /** What every chunk key starts with; the publish script builds the replaced chunks' keys from it. */
  chunkPrefix: string;
  /** Chunk `index` of the snapshot a writer wrote as `writeId`. */
  chunk(writeId: string, index: number): string;
}

/**
 * The names under `{<namespace>:<bucket>}:`. The braces are a Redis Cluster hash tag: every key and
 * the channel of a bucket hash to one slot, so each script and pipeline runs on one node.
 */
export function clusterKeys(namespace: string, bucket: string): ClusterKeys {
  const prefix = `{${namespace}:${bucket}}:`;
  const chunkPrefix = `${prefix}snapshot:`;
  return {
    snapshot: `${prefix}snapshot`,
    lease: `${prefix}lease`,
    channel: `${prefix}changes`,
    chunkPrefix,
    chunk: (writeId, index) => `${chunkPrefix}${writeId}:${index}`,
  };
}

/** The pattern every key and channel of a namespace matches: what an ACL user needs (`~` and `&`). */
export const namespacePattern = (namespace: string): string => `{${namespace}:*`;

/** A channel of the namespace nobody listens to: where cluster mode asks whether the server has sharded channels. */
export const probeChannel = (namespace: string): string => `{${namespace}:}:probe`;
