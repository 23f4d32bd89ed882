// A follower of workload 20's big snapshot in a process of its own, as each instance is in production,
// so its event loop and heap hold nothing of the leader's:
//   fork('follower-child.mjs', ['<the cluster option as JSON>'], { execArgv: ['--expose-gc'] })
// After a first start on another namespace, it starts a new instance from the shared snapshot and
// sends { wallMs, maxMs, extra, size }. Each time it is sent 'watch', it answers 'watching' and
// measures while the leader writes its next snapshot and until this instance has applied it (its
// `cache-worker.snapshot-applied` event), then sends { maxMs, extra, size, applyMs }. Sent 'close', it closes.
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { once } from 'node:events';
import { CACHE_WORKER_EVENTS } from '../../dist/index.js';
import { measured } from './measured.mjs';
import { instant, startInstance } from './cluster-instance.mjs';

/** Longer than any read and apply of a big snapshot here (about 3 s for 2,000,000 entries on 2 CPUs). */
const APPLY_TIMEOUT_MS = 120_000;

const cluster = JSON.parse(process.argv[2]);
// A first instance, on a namespace of its own, boots Nest and loads the Redis client in this process
// (the one-off cost of any first start: about 150 ms of loading and compiling), so the measurement
// below is the snapshot's read and fill alone.
const first = await startInstance({ cluster: { ...cluster, namespace: `${cluster.namespace}-first` }, source: instant });
await first.app.close();
const read = await measured(() => startInstance({ cluster, source: instant, modules: [EventEmitterModule.forRoot()] }));
const follower = read.result;
const events = follower.app.get(EventEmitter2);
process.send({ wallMs: read.wallMs, maxMs: read.maxMs, extra: read.extra, size: follower.store.size });
for (let [message] = await once(process, 'message'); message === 'watch'; [message] = await once(process, 'message')) {
  const applied = new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error('workload 20: the follower applied no snapshot in time')), APPLY_TIMEOUT_MS);
    events.once(CACHE_WORKER_EVENTS.snapshotApplied, (event) => {
      clearTimeout(timeout);
      resolve(event);
    });
  });
  const apply = await measured(async () => {
    process.send('watching');
    return applied;
  });
  process.send({ maxMs: apply.maxMs, extra: apply.extra, size: follower.store.size, applyMs: apply.result.durationMs });
}
await follower.app.close();
process.disconnect();
