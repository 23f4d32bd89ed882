import { namespacePattern } from './cluster-keys.js';

/**
 * Every command cluster mode sends, those its scripts call included (ACLs check them too). `info` is
 * ioredis' ready check, `cluster|slots` how it learns a Redis Cluster's layout.
 */
const COMMANDS = [
  'ping', 'info', 'cluster|slots',
  'get', 'set', 'hget', 'hmget', 'eval',
  'exists', 'del', 'hset', 'persist', 'pexpire',
  'publish', 'subscribe', 'unsubscribe', 'spublish', 'ssubscribe', 'sunsubscribe',
] as const;

/** The ACL rule (`ACL SETUSER <user> on ><password> <rule>`) a Redis user of cluster mode needs for a namespace. */
export function aclRule(namespace: string): string {
  const pattern = namespacePattern(namespace);
  return `resetchannels ~${pattern} &${pattern} ${COMMANDS.map((command) => `+${command}`).join(' ')}`;
}
