// A follower of workload 20's big snapshot in a process of its own, as each instance is in production,
// so its event loop and heap hold nothing of the leader's:
//   fork('follower-child.mjs', ['<the cluster option as JSON>'], { execArgv: ['--expose-gc'] })
// After a first start on another namespace, it starts a new instance from the shared snapshot and
// sends { wallMs, maxMs, extra, size }. Each time it is sent 'watch', it answers 'watching' and
// measures until it is sent 'stop' (meanwhile the leader writes its next snapshot, which this instance
// applies), then sends { maxMs, extra, size }. Sent 'close', it closes.
import { once } from 'node:events';
import { measured } from './measured.mjs';
import { instant, startInstance } from './cluster-instance.mjs';

const cluster = JSON.parse(process.argv[2]);
// A first instance, on a namespace of its own, boots Nest and loads the Redis client in this process
// (the one-off cost of any first start: about 150 ms of loading and compiling), so the measurement
// below is the snapshot's read and fill alone.
const first = await startInstance({ cluster: { ...cluster, namespace: `${cluster.namespace}-first` }, source: instant });
await first.app.close();
const read = await measured(() => startInstance({ cluster, source: instant }));
const follower = read.result;
process.send({ wallMs: read.wallMs, maxMs: read.maxMs, extra: read.extra, size: follower.store.size });
for (let [message] = await once(process, 'message'); message === 'watch'; [message] = await once(process, 'message')) {
  const stop = once(process, 'message');
  const apply = await measured(async () => {
    process.send('watching');
    await stop;
  });
  process.send({ maxMs: apply.maxMs, extra: apply.extra, size: follower.store.size });
}
await follower.app.close();
process.disconnect();
