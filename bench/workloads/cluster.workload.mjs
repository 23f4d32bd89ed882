import { Cluster, Redis } from 'ioredis';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { startRedisCluster } from '../../test/cluster/support/redis-cluster.mjs';
import { startRedisServer } from '../../test/cluster/support/redis-server.mjs';
import { CLUSTER_BUCKET, instant, startInstance } from '../support/cluster-instance.mjs';
import { keyOf, sleep, valueOf } from '../support/data.mjs';
import { measureFillFloor } from '../support/fill-floor.mjs';
import { startFollowerProcess } from '../support/follower.mjs';
import { measured } from '../support/measured.mjs';
import { atMost, atMostAbsolute, row } from '../support/rows.mjs';

/**
 * Workload 20: cluster mode over a redis-server the workload starts on 127.0.0.1, then over a local
 * Redis Cluster of three masters. (1) Source `load` calls per refresh interval with 1 and 3
 * instances, with and without cluster mode; (2) latency of a change from one instance to another
 * (`set` on one, seen by `peek` on the other); (3) cold start of a new instance from the shared
 * snapshot against filling it from the source; (4) a big snapshot, written by the leader and read by
 * a new instance, then the leader's next one applied by that instance as it runs: time, event-loop
 * delay and memory on each, with the delays of a plain script (no library) that parses and stores the
 * same entries beside them: what V8 alone costs for that data on this machine. The follower runs in a
 * process of its own (as every instance does in production), so each figure comes from one
 * instance's event loop and heap alone. The rows on the Redis Cluster say so.
 */
export default {
  id: 20,
  name: 'cluster mode',
  sizes: {
    full: { keys: 1_000, intervalMs: 300, intervals: 10, messages: 1_000, coldKeys: 100_000, loadMs: 1, concurrency: 16, bigKeys: 2_000_000 },
    quick: { keys: 1_000, intervalMs: 300, intervals: 6, messages: 1_000, coldKeys: 20_000, loadMs: 1, concurrency: 16, bigKeys: 200_000 },
    smoke: { keys: 100, intervalMs: 200, intervals: 3, messages: 50, coldKeys: 500, loadMs: 1, concurrency: 16, bigKeys: 2_000 },
  },
  async run({ sizes }) {
    const rows = [];
    const redis = await startRedisServer();
    const one = await loadsPerInterval(null, sizes, 1);
    const floor = await measureFillFloor(sizes.bigKeys);
    try {
      const single = { label: '', options: redis.url, client: () => new Redis(redis.url) };
      rows.push(...(await loadRows(single, sizes, one, await loadsPerInterval(null, sizes, 3))));
      rows.push(...(await changeLatency(single, sizes)), ...(await coldStart(single, sizes)), ...(await bigSnapshot(single, sizes, floor)));
    } finally {
      await redis.stop();
    }
    const servers = await startRedisCluster(3);
    try {
      const cluster = { label: ' (Redis Cluster, 3 masters)', options: { nodes: servers.nodes }, client: () => new Cluster(servers.nodes) };
      rows.push(...(await loadRows(cluster, sizes, one, null)));
      rows.push(...(await changeLatency(cluster, sizes)), ...(await coldStart(cluster, sizes)), ...(await bigSnapshot(cluster, sizes, floor)));
    } finally {
      await servers.stop();
    }
    return rows;
  },
};

/** Source loads per refresh interval over `instances` instances, in cluster mode over `target` (null: without). */
async function loadsPerInterval(target, { keys: count, intervalMs, intervals }, instances) {
  const keys = Array.from({ length: count }, (_, i) => keyOf(i));
  const clustered = target !== null;
  const cluster = clustered ? { redis: target.options, namespace: `loads-${instances}` } : undefined;
  const started = [];
  for (let i = 0; i < instances; i++) started.push(await startInstance({ cluster, refreshInterval: intervalMs, source: instant }));
  try {
    // Every instance serves every key: in cluster mode one reads them and the others receive them.
    for (const { store } of clustered ? started.slice(0, 1) : started) await Promise.all(keys.map((key) => store.fetch(key)));
    const everywhere = () => started.every(({ store }) => store.size === count);
    while (!everywhere()) await sleep(10);
    await sleep(intervalMs);
    const before = started.reduce((sum, { counter }) => sum + counter.loads, 0);
    await sleep(intervals * intervalMs);
    const after = started.reduce((sum, { counter }) => sum + counter.loads, 0);
    return (after - before) / intervals;
  } finally {
    for (const { app } of started) await app.close();
  }
}

/** The rows of loads per interval: 3 instances in cluster mode over `target`, and (when measured) 3 without. */
async function loadRows(target, sizes, one, threeAlone) {
  const threeCluster = await loadsPerInterval(target, sizes, 3);
  const perInterval = `source loads per ${sizes.intervalMs} ms refresh interval, ${sizes.keys} keys`;
  const rows = [
    row({
      measure: `${perInterval}: 3 instances in cluster mode${target.label}`,
      unit: 'count',
      library: threeCluster,
      baselineName: '1 instance',
      baseline: one,
      ratio: threeCluster / one,
      target: atMost(1.2),
      note: 'the target is 1 (the same cost as one instance), with room for one refresh more or less in the window',
    }),
  ];
  if (threeAlone !== null) {
    rows.push(
      row({
        measure: `${perInterval}: 3 instances without cluster mode`,
        unit: 'count',
        library: threeAlone,
        baselineName: '1 instance',
        baseline: one,
        ratio: threeAlone / one,
      }),
    );
  }
  return rows;
}

async function changeLatency(target, { messages }) {
  const cluster = { redis: target.options, namespace: 'latency' };
  const sender = await startInstance({ cluster, source: instant });
  const receiver = await startInstance({ cluster, source: instant });
  try {
    const latencies = [];
    for (let i = 0; i < messages; i++) {
      const value = { n: i };
      const started = performance.now();
      sender.store.set('latency-key', value);
      while (receiver.store.peek('latency-key')?.n !== i) await nextMacrotask();
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return [
      row({ measure: `change seen by another instance, p50 of ${messages}${target.label}`, unit: 'ms', library: at(0.5), target: atMostAbsolute(100) }),
      row({ measure: `change seen by another instance, p99 of ${messages}${target.label}`, unit: 'ms', library: at(0.99) }),
    ];
  } finally {
    await sender.app.close();
    await receiver.app.close();
  }
}

async function coldStart(target, { coldKeys: count, loadMs, concurrency }) {
  const cluster = { redis: target.options, namespace: 'cold' };
  const slow = async (key) => {
    await sleep(loadMs);
    return { ok: true, value: valueOf(Number(key.slice(5))) };
  };
  const keys = Array.from({ length: count }, (_, i) => keyOf(i));
  const client = target.client();
  const sharer = await startInstance({ cluster, source: slow });
  try {
    for (let i = 0; i < count; i++) sharer.store.set(keys[i], valueOf(i));
    await sharer.store.dump();
    while (Number(await client.hget(`{cold:${CLUSTER_BUCKET}}:snapshot`, 'version')) === 0) await sleep(10);

    let started = performance.now();
    const warm = await startInstance({ cluster, source: slow });
    const fromSnapshot = performance.now() - started;
    const warmSize = warm.store.size;
    await warm.app.close();
    if (warmSize !== count || warm.counter.loads !== 0) throw new Error('workload 20: the new instance did not start from the snapshot');

    started = performance.now();
    const cold = await startInstance({ source: slow });
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) await cold.store.fetch(keys[next++]);
      }),
    );
    const fromSource = performance.now() - started;
    const coldSize = cold.store.size;
    await cold.app.close();
    if (coldSize !== count) throw new Error('workload 20: the cold instance missed keys');
    return [
      row({
        measure: `new instance ready with ${count} entries from the shared snapshot${target.label}`,
        unit: 'ms',
        library: fromSnapshot,
        baselineName: `loading them from the source (${loadMs} ms loads, ${concurrency} at a time)`,
        baseline: fromSource,
        ratio: fromSnapshot / fromSource,
      }),
    ];
  } finally {
    client.disconnect();
    await sharer.app.close();
  }
}

/**
 * A snapshot of `bigKeys` entries: the leader (in this process) encodes and writes it, a new instance
 * (in its own process) reads and applies it, then applies the leader's next two: the same data, then
 * every value refreshed. `floor` is what a plain fill of the same entries measured (`measureFillFloor`).
 */
async function bigSnapshot(target, { bigKeys: count }, floor) {
  const cluster = { redis: target.options, namespace: 'big' };
  // Built when `init` asks for it, and garbage once the bucket holds it: a production leader holds its bucket alone.
  const seed = () => new Map(Array.from({ length: count }, (_, i) => [keyOf(i), valueOf(i)]));
  const client = target.client();
  const leader = await startInstance({ cluster, source: instant, seed });
  try {
    const write = await measured(() => leader.store.dump());
    const bytes = Number(await client.hget(`{big:${CLUSTER_BUCKET}}:snapshot`, 'bytes'));
    if (!(bytes > 0)) throw new Error('workload 20: the big snapshot was not shared');
    const follower = startFollowerProcess(cluster);
    try {
      const read = await follower.read;
      // The follower, running, applies the leader's next snapshot (in slices, reads going on), sampled
      // from before the leader's write until its `cache-worker.snapshot-applied` event. (A window of a
      // fixed 20 s also took in what V8 does once the process is idle again: 10 s or more after the
      // apply, its memory reducer's full collections, now and then with a pause of 150 to 350 ms.)
      // First a snapshot of the same data (what a follower mostly receives), then one after a refresh of every value.
      const watch = async (write) => {
        await follower.ask('watch');
        const applied = follower.next();
        await write();
        return applied;
      };
      const same = await watch(() => leader.store.dump());
      const refreshed = await watch(async () => {
        await leader.store.fullRefresh();
        await leader.store.dump();
      });
      await follower.end();
      for (const size of [read.size, same.size, refreshed.size]) {
        if (size !== count) throw new Error(`workload 20: the follower holds ${size} of ${count} entries`);
      }
      return snapshotRows(target.label, count, bytes, write, read, { same, refreshed }, floor);
    } finally {
      await follower.end({ kill: true });
    }
  } finally {
    client.disconnect();
    await leader.app.close();
  }
}

/**
 * The rows of `bigSnapshot`: the leader's figures come from this process, the follower's from its own.
 * The delays of a fill and of a refresh of every value stand beside those of the plain fill (`floor`).
 */
function snapshotRows(label, count, bytes, write, read, applied, floor) {
  const entries = `snapshot of ${count} entries (${(bytes / 1e6).toFixed(0)} MB)${label}`;
  const ofSnapshot = (extra) => ({ unit: 'bytes', library: extra, baselineName: 'the snapshot', baseline: bytes, ratio: extra / bytes, target: atMost(1.5) });
  const delay = (measure, maxMs, plain) => {
    // A tiny fill may end before the delay is first sampled: no ratio to a zero.
    const beside = plain === null ? {} : { baselineName: plain.name, baseline: plain.maxMs, ...(plain.maxMs > 0 ? { ratio: maxMs / plain.maxMs } : {}) };
    return row({ measure, unit: 'ms', library: maxMs, ...beside, target: atMostAbsolute(50) });
  };
  const plainFill = { name: 'a plain script parsing them into 64 maps, a chunk per turn', maxMs: floor.fill.maxMs };
  const plainReplace = { name: 'the same over the maps that hold them', maxMs: floor.replace.maxMs };
  const running = (name, apply, plain) => [
    row({ measure: `${entries}: a running instance applies the leader's next one (${name}), read + apply`, unit: 'ms', library: apply.applyMs }),
    delay(`${entries}: a running instance applies the leader's next one (${name}), max event-loop delay`, apply.maxMs, plain),
    row({ measure: `${entries}: a running instance applies the leader's next one (${name}), peak extra memory`, ...ofSnapshot(apply.extra) }),
  ];
  return [
    row({ measure: `${entries}: leader encode + write`, unit: 'ms', library: write.wallMs }),
    delay(`${entries}: leader's max event-loop delay`, write.maxMs, null),
    row({ measure: `${entries}: leader's peak extra memory`, ...ofSnapshot(write.extra) }),
    row({ measure: `${entries}: new instance read + apply`, unit: 'ms', library: read.wallMs }),
    delay(`${entries}: new instance's max event-loop delay`, read.maxMs, plainFill),
    row({ measure: `${entries}: new instance's peak extra memory (beyond the entries it keeps)`, ...ofSnapshot(read.extra) }),
    ...running('the same data', applied.same, null),
    ...running('every value refreshed', applied.refreshed, plainReplace),
  ];
}
