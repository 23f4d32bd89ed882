import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../../lib/index.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { makeTempDir } from '../../support/temp-dir.js';

const SECRET = 'SECRET-VALUE-7f3a';
const EMAIL = 'alice@example.com';

/** A store whose values all carry the secret marker; keys starting with "fail" fail to load. */
function secretStore(options: { bucket: string; file: string; redactKeys?: boolean }) {
  @CacheWorker({ refreshInterval: null, dumpDelay: 5, ...options })
  class SecretStore extends CacheWorkerStore<string, unknown> {
    load(key: string): LoadResult<unknown> {
      if (key.startsWith('fail')) return { ok: false, error: 'the source refused' };
      return { ok: true, value: { owner: key, card: `${SECRET}-${key}` } };
    }
  }
  return SecretStore;
}

class Account {
  static constructed = 0;
  constructor(readonly id: string) {
    Account.constructed++;
  }
  greet() {
    return `hello ${this.id}`;
  }
}

describe('security', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => (temp = await makeTempDir()));
  afterAll(() => temp.remove());

  it('dumps are written with mode 0600, also over a dump someone opened up', async () => {
    const file = join(temp.dir, 'mode.dump');
    const Store = secretStore({ bucket: 'mode', file });
    const app = await bootApp([CacheWorkerModule.forFeature([Store])]);
    const store = app.get(Store);
    await store.fetch('a');
    expect((await store.dump()).ok).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await chmod(file, 0o644);
    expect((await store.dump()).ok).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await app.close();
  });

  it('writes only the configured file: no path is built from a key or the bucket name', async () => {
    const dir = join(temp.dir, 'paths');
    await mkdir(join(dir, 'inner'), { recursive: true });
    const file = join(dir, 'inner', 'paths.dump');
    const Store = secretStore({ bucket: '../../escaped/bucket', file });
    const app = await bootApp([CacheWorkerModule.forFeature([Store])]);
    const store = app.get(Store);
    for (const key of ['../../escaped', '/etc/passwd', 'a/b/c', '..', '\u0000nul', 'C:\\windows']) await store.fetch(key);
    expect((await store.dump()).ok).toBe(true);
    await app.close();
    expect(await readdir(dir, { recursive: true })).toEqual(['inner', join('inner', 'paths.dump')]);
  });

  it('reading a dump runs no code: class instances come back as plain data, __proto__ pollutes nothing', async () => {
    const file = join(temp.dir, 'no-code.dump');
    @CacheWorker({ bucket: 'no-code', file, refreshInterval: null })
    class DataStore extends CacheWorkerStore<string, unknown> {
      load(): LoadResult<unknown> {
        return { ok: false, error: 'not used' };
      }
    }
    const first = await bootApp([CacheWorkerModule.forFeature([DataStore])]);
    first.get(DataStore).set('account', new Account('a-1'));
    first.get(DataStore).set('hostile', JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'));
    first.get(DataStore).set('getter', Object.defineProperty({}, 'computed', { enumerable: true, get: () => 'read at write time' }));
    await first.close();

    Account.constructed = 0;
    const second = await bootApp([CacheWorkerModule.forFeature([DataStore])]);
    const store = second.get(DataStore);
    const account = store.peek('account') as Record<string, unknown>;
    expect(account).toEqual({ id: 'a-1' });
    expect(Object.prototype.toString.call(account)).toBe('[object Object]');
    expect(account.greet).toBeUndefined();
    expect(Account.constructed).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(store.peek('getter'), 'computed')).toMatchObject({ value: 'read at write time' });
    await second.close();
  });

  it('values never appear in logs, at any level, through loads, refreshes, dumps, restarts and left-out entries', async () => {
    const file = join(temp.dir, 'secret.dump');
    const Store = secretStore({ bucket: 'secret', file });
    const logger = new RecordingLogger();
    const app = await bootApp([CacheWorkerModule.forFeature([Store])], logger);
    const store = app.get(Store);
    await store.fetch('a');
    await store.fetch('fail-1');
    await store.fullRefresh();
    // V8's own error for it quotes the function's source, with the secret in it.
    store.set('not serializable', { card: SECRET, reveal: () => 'SECRET-VALUE-7f3a in the source', symbol: Symbol(SECRET) });
    await store.dump();
    await app.close();
    const again = await bootApp([CacheWorkerModule.forFeature([Store])], logger);
    await again.get(Store).fullRefresh();
    await again.close();

    expect(logger.at('debug').length).toBeGreaterThan(0); // every level was recorded
    expect(logger.at('warn', "can't be serialized").length).toBeGreaterThan(0); // the left-out entry was reported…
    const leaks = logger.lines.filter((line) => line.message.includes(SECRET));
    expect(leaks).toEqual([]); // …without its value
  });

  it('redactKeys replaces keys in every log line with a short hash of the key', async () => {
    const linesFor = async (redactKeys: boolean) => {
      const Store = secretStore({ bucket: `redact-${redactKeys}`, file: join(temp.dir, `redact-${redactKeys}.dump`), redactKeys });
      const logger = new RecordingLogger();
      const app = await bootApp([CacheWorkerModule.forFeature([Store])], logger);
      const store = app.get(Store);
      await store.fetch(EMAIL);
      await store.fetch(`fail-${EMAIL}`);
      store.set(`fail-refresh-${EMAIL}`, 'cached');
      await store.fullRefresh();
      await app.close();
      return logger.lines.map((line) => line.message);
    };
    const hash = (key: string) => `#${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 12)}`;

    const plain = await linesFor(false);
    expect(plain.filter((line) => line.includes(EMAIL)).length).toBeGreaterThanOrEqual(3); // the control: keys do appear

    const redacted = await linesFor(true);
    expect(redacted.filter((line) => line.includes('alice'))).toEqual([]);
    expect(redacted).toContainEqual(`load(${hash(`fail-${EMAIL}`)}) failed: the source refused`);
    expect(redacted.some((line) => line.includes(hash(EMAIL)))).toBe(true);
    expect(redacted.some((line) => line.includes(`${hash(`fail-refresh-${EMAIL}`)}: the source refused`))).toBe(true);
  });
});
