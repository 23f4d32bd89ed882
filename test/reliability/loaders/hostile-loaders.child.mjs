// Runs every hostile load of the table below against a real Nest app built on the compiled package,
// with a process listener counting unhandled rejections (in plain Node, where nothing else listens),
// and prints what each caller got as one JSON line.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore } from 'nest-cache-worker';

const TIMEOUT = 150;
let lateSettled = 0;
let abortedRejections = 0;
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));

/** What each key's load does. Every one of them is something a buggy or hostile `load` can do. */
const HOSTILE = {
  'throws a string': () => {
    throw 'a string';
  },
  'throws null': () => {
    throw null;
  },
  'throws undefined': () => {
    throw undefined;
  },
  'throws an object whose toString throws': () => {
    throw {
      toString() {
        throw new Error('toString');
      },
    };
  },
  'throws an object whose message getter throws': () => {
    throw Object.defineProperty({}, 'message', {
      get() {
        throw new Error('getter');
      },
    });
  },
  'throws a cyclic object': () => {
    const cyclic = {};
    cyclic.self = cyclic;
    throw cyclic;
  },
  'rejects with a string': () => Promise.reject('a string'),
  'rejects with null': () => Promise.reject(null),
  'rejects with undefined': () => Promise.reject(undefined),
  'returns undefined': () => undefined,
  'returns a bare value': () => 42,
  'resolves a bare value': async () => 'just a value',
  'returns { ok: "yes" }': () => ({ ok: 'yes' }),
  'returns { ok: true } without a value': () => ({ ok: true }),
  'returns null': () => null,
  'returns an object whose ok getter throws': () =>
    Object.defineProperty({}, 'ok', {
      get() {
        throw new Error('ok getter');
      },
    }),
  'returns a proxy that throws on every access': () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('proxy');
        },
        has() {
          throw new Error('proxy');
        },
      },
    ),
  'returns a thenable whose then throws': () => ({
    then() {
      throw new Error('then');
    },
  }),
  'returns a thenable that never calls back': () => ({ then() {} }),
  'never settles': () => new Promise(() => undefined),
  'settles after its timeout': () =>
    new Promise((resolve) =>
      setTimeout(() => {
        lateSettled++;
        resolve({ ok: true, value: 'too late' });
      }, TIMEOUT * 2),
    ),
  'rejects after abort': ({ signal }) =>
    new Promise((_resolve, reject) =>
      signal.addEventListener('abort', () => {
        abortedRejections++;
        reject(signal.reason);
      }),
    ),
  'throws after abort, from a timer': ({ signal }) =>
    new Promise((resolve) =>
      signal.addEventListener('abort', () => setTimeout(() => resolve(Promise.reject(new Error('after abort'))), 5)),
    ),
};

class HostileStore extends CacheWorkerStore {
  load(key, context) {
    return (HOSTILE[key] ?? (() => ({ ok: true, value: `good ${key}` })))(context);
  }
}
CacheWorker({ bucket: 'hostile', refreshInterval: null, loadTimeout: TIMEOUT })(HostileStore);
class AppModule {}
Module({ imports: [CacheWorkerModule.forFeature([HostileStore])] })(AppModule);

const snapshot = (store) => JSON.stringify(store.keys().map((key) => [key, store.peek(key)]));
const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
const store = app.get(HostileStore);
store.set('kept', 'a value stored before');
await store.fetch('loaded');

// The listener works: a probe is seen, so the count below means something.
void Promise.reject(new Error('probe'));
await sleep(20);
const probeSeen = unhandled.splice(0).includes('Error: probe');

const cases = {};
for (const key of Object.keys(HOSTILE)) {
  const before = snapshot(store);
  cases[key] = {
    fetch: await store.fetch(key),
    get: await store.get(key, { default: 'the default' }),
    fetchNoSave: await store.fetchNoSave(key),
    unchanged: snapshot(store) === before,
  };
}
while (lateSettled < 3 || abortedRejections < 3) await sleep(10);
await sleep(50);
const after = { keys: store.keys(), kept: store.peek('kept'), loadErrors: store.stats().loadErrors };
const good = await store.fetch('fine');
await app.close();
console.log(JSON.stringify({ probeSeen, cases, after, good, unhandled, hostile: Object.keys(HOSTILE).length }));
