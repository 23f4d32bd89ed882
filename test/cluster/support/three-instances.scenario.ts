import type { CacheWorkerClusterOptions } from '../../../lib/index.js';
import { startChildInstance, startLocalInstance, type ClusterInstance } from './cluster-instance.js';
import { sleep, waitFor } from '../../support/wait-for.js';

export const INTERVAL = 400;
export const KEYS = ['k1', 'k2', 'k3', 'k4', 'k5'];

/** Refreshes run per instance over a window, and loads per key summed over the instances. */
export async function countOver(instances: ClusterInstance[], windowMs: number) {
  const before = await Promise.all(instances.map(async (i) => ({ stats: await i.stats(), loads: await i.loads() })));
  await sleep(windowMs);
  const after = await Promise.all(instances.map(async (i) => ({ stats: await i.stats(), loads: await i.loads() })));
  const refreshes = instances.map((_, n) => after[n].stats.refreshes - before[n].stats.refreshes);
  const loads = instances.map((_, n) => KEYS.map((key) => (after[n].loads[key] ?? 0) - (before[n].loads[key] ?? 0)));
  return { refreshes, loads };
}

export async function refreshCounts(instances: ClusterInstance[]): Promise<number[]> {
  return Promise.all(instances.map(async (instance) => (await instance.stats()).refreshes));
}

export async function holdsEverywhere(instances: ClusterInstance[], key: string, test: (value: unknown) => boolean): Promise<boolean> {
  const values = await Promise.all(instances.map((instance) => instance.peek(key)));
  return values.every(test);
}

/** Waits until exactly one of `instances` refreshes over a window, and returns it. */
export async function singleLeader(instances: ClusterInstance[], what: string): Promise<ClusterInstance> {
  let leader: ClusterInstance | undefined;
  await waitFor(async () => {
    const { refreshes } = await countOver(instances, 3 * INTERVAL);
    const leaders = instances.filter((_, n) => refreshes[n] > 0);
    leader = leaders.length === 1 ? leaders[0] : undefined;
    return leader !== undefined;
  }, what, 20_000);
  return leader!;
}

/** Reads `keys` on every instance in a loop until `stop()`, which tells how many reads there were and which failed. */
export function readContinuously(instances: ClusterInstance[], keys: string[]) {
  const failures: string[] = [];
  let count = 0;
  let reading = true;
  const loop = (async () => {
    while (reading) {
      for (const instance of instances) {
        for (const key of keys) {
          const result = await instance.fetch(key);
          count++;
          if (!result.ok) failures.push(`${instance.name} ${key}: ${result.error}`);
        }
      }
      await sleep(20);
    }
  })();
  return {
    async stop() {
      reading = false;
      await loop;
      return { count, failures };
    },
  };
}

/** How the instances of one test reach one Redis deployment. */
export interface Deployment {
  /** The options of the child instance (they travel as JSON), of `a`, `b` and the late fourth instance. */
  child: CacheWorkerClusterOptions;
  a: CacheWorkerClusterOptions;
  b: CacheWorkerClusterOptions;
  late: CacheWorkerClusterOptions;
  /** Added to the child's environment. */
  childEnv?: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** The instances of a scenario, once started. */
export interface Instances {
  child: Awaited<ReturnType<typeof startChildInstance>>;
  a: Awaited<ReturnType<typeof startLocalInstance>>;
  b: Awaited<ReturnType<typeof startLocalInstance>>;
  late?: Awaited<ReturnType<typeof startLocalInstance>>;
}

/**
 * Three instances (one a child process) on a deployment: values loaded on a read reach the others,
 * one refresh per interval across the cluster, a fourth instance starts warm, and changes reach
 * every instance with nothing brought back. `more` adds tests of the deployment, in order after these.
 */
export function describeThreeInstances(title: string, deploy: () => Promise<Deployment>, more?: (instances: () => Instances) => void): void {
  describe(title, () => {
    let deployment: Deployment | undefined;
    const started = {} as Instances;

    beforeAll(async () => {
      deployment = await deploy();
      // The child starts first and leads; the others join once it has refreshed.
      started.child = await startChildInstance({ name: 'child', refreshInterval: INTERVAL, cluster: deployment.child }, deployment.childEnv);
      await waitFor(async () => (await started.child.stats()).refreshes >= 1, 'the child to refresh as leader');
      started.a = await startLocalInstance({ name: 'a', refreshInterval: INTERVAL, cluster: deployment.a });
      started.b = await startLocalInstance({ name: 'b', refreshInterval: INTERVAL, cluster: deployment.b });
    }, 60_000);

    afterAll(async () => {
      for (const instance of [started.late, started.a, started.b, started.child]) await instance?.close().catch(() => undefined);
      await deployment?.stop();
    }, 30_000);

    it('shares values loaded on a read, then refreshes each key once per interval across the cluster', async () => {
      const { a, b, child } = started;
      for (const key of KEYS) expect((await a.fetch(key)).ok).toBe(true);
      for (const key of KEYS) {
        await waitFor(() => holdsEverywhere([b, child], key, (value) => value !== undefined), `${key} to reach b and the child`);
      }
      expect(await b.loads()).toEqual({});

      const { refreshes, loads } = await countOver([child, a, b], 6 * INTERVAL);
      // Only the child (the leader) refreshed, at most once per interval, and nobody else loaded anything.
      expect(refreshes[1]).toBe(0);
      expect(refreshes[2]).toBe(0);
      expect(refreshes[0]).toBeGreaterThanOrEqual(2);
      expect(refreshes[0]).toBeLessThanOrEqual(7);
      expect(loads[1]).toEqual([0, 0, 0, 0, 0]);
      expect(loads[2]).toEqual([0, 0, 0, 0, 0]);
      for (const count of loads[0]) expect(Math.abs(count - refreshes[0])).toBeLessThanOrEqual(1);

      // The followers serve the leader's refreshed values: they applied its snapshots.
      await waitFor(
        () => holdsEverywhere([a, b], 'k1', (value) => (value as { by: string } | undefined)?.by === 'child'),
        "the child's refreshed value of k1 on a and b",
      );
    });

    it('starts a fourth instance warm from the shared snapshot, before its first read', async () => {
      started.late = await startLocalInstance({ name: 'late', refreshInterval: INTERVAL, cluster: deployment!.late });
      const stats = await started.late.stats();
      expect(stats.startedFrom).toBe('snapshot');
      for (const key of KEYS) expect(await started.late.peek(key)).toMatchObject({ key });
      expect(await started.late.loads()).toEqual({});
    });

    it('sends set, invalidate and delete to the other instances, and no snapshot brings a deleted key back', async () => {
      const { a, b, child, late } = started;
      const everyone = [a, b, child, late!];
      const written = { key: 'k1', by: 'written by b', n: 0 };
      await b.set('k1', written);
      const isWritten = (value: unknown) => (value as { by?: string } | undefined)?.by === 'written by b';
      // Each is watched on its own: the leader's next refresh replaces the value everywhere soon after.
      await Promise.all(
        [a, child, late!].map((instance) => waitFor(async () => isWritten(await instance.peek('k1')), `the value b set on ${instance.name}`)),
      );

      await child.invalidate('k2');
      await a.delete('k3');
      const gone = (value: unknown) => value === undefined;
      await waitFor(() => holdsEverywhere(everyone, 'k2', gone), 'k2 to be gone everywhere');
      await waitFor(() => holdsEverywhere(everyone, 'k3', gone), 'k3 to be gone everywhere');
      // Several refreshes and snapshots later, nothing came back and nothing else was lost.
      await sleep(4 * INTERVAL);
      for (const instance of everyone) {
        expect(await instance.peek('k2')).toBeUndefined();
        expect(await instance.peek('k3')).toBeUndefined();
        for (const key of ['k4', 'k5']) expect(await instance.peek(key)).toMatchObject({ key });
      }
    });

    more?.(() => started);
  });
}
