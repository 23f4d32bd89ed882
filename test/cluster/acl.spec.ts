import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { aclRule } from '../../lib/cluster/redis-acl.js';
import { startLocalInstance } from './support/cluster-instance.js';
import { startRedisServer, type RedisServer } from './support/redis-server.mjs';
import { describeThreeInstances } from './support/three-instances.scenario.js';
import { sleep, waitFor } from '../support/wait-for.js';

const NAMESPACE = 'shop';

/** The rule the README documents, for the namespace `shop`. */
function documentedRule(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const line = readme.split('\n').find((text) => text.startsWith('ACL SETUSER cache-worker on >password '));
  if (line === undefined) throw new Error('the README has no ACL SETUSER line');
  return line.slice('ACL SETUSER cache-worker on >password '.length).split(' ');
}

let redis: RedisServer;
let admin: Redis;

/** A user `name` with the documented rule, less the words in `without`. */
async function addUser(name: string, without: string[] = []): Promise<void> {
  const rule = documentedRule().filter((word) => !without.includes(word));
  await admin.call('ACL', 'SETUSER', name, 'on', `>${name}-secret`, ...rule);
}

const as = (name: string) => ({ redis: `redis://${name}:${name}-secret@127.0.0.1:${redis.port}`, namespace: NAMESPACE });

describeThreeInstances(
  'cluster mode: three instances as a Redis user with exactly the documented ACL rule',
  async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    await addUser('cache-worker');
    const options = { redis: { host: '127.0.0.1', port: redis.port, username: 'cache-worker', password: 'cache-worker-secret' }, namespace: NAMESPACE };
    return {
      child: as('cache-worker'),
      a: options,
      b: as('cache-worker'),
      late: options,
      async stop() {
        admin.disconnect();
        await redis.stop();
      },
    };
  },
  (instances) => {
    it('is refused nothing, and the rule it logs on a refusal is the documented one', async () => {
      const { a, b, late } = instances();
      for (const instance of [a, b, late!]) expect(instance.logger.at('warn')).toEqual([]);
      expect(aclRule(NAMESPACE).split(' ')).toEqual(documentedRule());
    });

    it('logs a missing PUBLISH permission once, with the rule, and keeps reading', async () => {
      await addUser('no-publish', ['+publish', '+spublish']);
      const instance = await startLocalInstance({ name: 'mute', refreshInterval: 0, cluster: as('no-publish') });
      try {
        for (let round = 0; round < 3; round++) {
          for (const key of ['m1', 'm2']) expect((await instance.fetch(`${key}-${round}`)).ok).toBe(true);
        }
        await waitFor(() => instance.logger.at('warn', 'NOPERM').length > 0, 'the refusal to be logged');
        await sleep(200);
        const refusals = instance.logger.at('warn', 'NOPERM');
        expect(refusals).toHaveLength(1);
        expect(refusals[0].message).toContain('Redis refused SPUBLISH');
        expect(refusals[0].message).toContain(aclRule(NAMESPACE));
        expect(instance.logger.at('warn', 'is unreachable')).toEqual([]);
        // It still hears the others.
        await instances().a.set('heard', { key: 'heard', by: 'a', n: 0 });
        await waitFor(async () => (await instance.peek('heard'))?.by === 'a', 'a change from another instance');
      } finally {
        await instance.close();
      }
    });

    it('logs a refused SUBSCRIBE once without calling Redis unreachable, and still logs a real outage', async () => {
      await addUser('no-channels', [`&{${NAMESPACE}:*`]);
      const instance = await startLocalInstance({ name: 'deaf', refreshInterval: 200, cluster: as('no-channels') });
      try {
        expect((await instance.fetch('d1')).ok).toBe(true);
        await waitFor(() => instance.logger.at('warn', 'SUBSCRIBE (NOPERM').length > 0, 'the refused SUBSCRIBE to be logged');
        expect(instance.logger.at('warn', 'is unreachable')).toEqual([]);
        expect(instance.logger.at('log', 'connected to Redis')).toHaveLength(1);

        for (const instance of Object.values(instances())) await instance?.close();
        await redis.restart(); // empty: the users are gone, so add them again
        await waitFor(() => instance.logger.at('warn', 'is unreachable').length > 0, 'the outage to be logged');
        admin.disconnect();
        admin = new Redis(redis.url);
        await addUser('no-channels', [`&{${NAMESPACE}:*`]);
        await waitFor(() => instance.logger.at('log', 'connected to Redis').length === 2, 'the return to be logged');
        expect((await instance.fetch('d2')).ok).toBe(true);
        expect(instance.logger.at('warn', 'is unreachable')).toHaveLength(1);
        expect(instance.logger.at('warn', 'SUBSCRIBE (NOPERM')).toHaveLength(1);
      } finally {
        await instance.close();
      }
    });
  },
);
