import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CacheWorkerModule } from '../../../lib/index.js';
import { readDumpFile } from '../../../lib/store/persistence/dump-file.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { readableCopy } from '../../support/readable-copy.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { Source, sourceStore } from '../support/source.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => (temp = await makeTempDir()));
afterAll(() => temp.remove());

const failureLines = (logger: RecordingLogger) => logger.at('error', 'failed: ');

describe('dump write failures', () => {
  it('are logged once per kind, counted in stats(), never stop serving, and the next write retries', async () => {
    const dir = join(temp.dir, 'dumps');
    await mkdir(dir);
    const file = join(dir, 'orders.dump');
    const source = new Source();
    const Store = sourceStore({ bucket: 'orders', refreshInterval: null, file, dumpDelay: 10 }, source);
    const logger = new RecordingLogger();
    const app = await bootApp([CacheWorkerModule.forFeature([Store])], logger);
    const store = app.get(Store);
    await store.fetch('a');
    expect((await store.dump()).ok).toBe(true);

    // 1. A file where the folder was (so it can't be made again).
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a folder');
    const missing = [await store.dump(), await store.dump(), await store.dump()];
    expect(missing.map((result) => result.ok)).toEqual([false, false, false]);
    expect(missing[0]).toEqual({ ok: false, error: expect.stringContaining('ENOTDIR') });
    expect(failureLines(logger)).toHaveLength(1);
    expect(failureLines(logger)[0]).toMatchObject({ context: 'CacheWorker:orders', message: expect.stringContaining(`dump to ${file} failed`) });
    expect(store.stats()).toMatchObject({ dumpErrors: 3, lastDumpError: expect.stringContaining('ENOTDIR') });
    expect(await store.fetch('b')).toEqual({ ok: true, value: 'b@v1', loaded: true }); // still serving, and storing
    expect(await store.fullRefresh()).toMatchObject({ refreshed: 2, failed: 0 }); // its dump fails too, quietly

    // 2. A folder where the dump file goes: another kind, logged once more.
    await rm(dir);
    await mkdir(file, { recursive: true });
    expect(await store.dump()).toEqual({ ok: false, error: expect.stringContaining('EISDIR') });
    expect(await store.dump()).toEqual({ ok: false, error: expect.stringContaining('EISDIR') });
    expect(failureLines(logger)).toHaveLength(2);
    expect(store.stats().dumpErrors).toBe(6);

    // 3. Back to normal: the next write succeeds, holds everything, and leaves no temporary file.
    await rm(file, { recursive: true });
    store.set('c', 'set while failing');
    expect((await store.dump()).ok).toBe(true);
    const dump = await readDumpFile(file, 'orders');
    expect(dump.flat).toEqual(['a', 'a@v1', 'b', 'b@v1', 'c', 'set while failing']);
    expect(await readdir(dir)).toEqual(['orders.dump']);
    expect(store.stats()).toMatchObject({ dumpErrors: 6, dumps: 2, lastDumpError: null });

    // 4. The same kind again after a success is news again.
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a folder');
    expect((await store.dump()).ok).toBe(false);
    expect(failureLines(logger)).toHaveLength(3);
    await rm(dir);
    await app.close(); // the final dump goes through
    expect((await readDumpFile(file, 'orders')).flat).toHaveLength(6);
  });

  /** Runs dump-failure.child.mjs (optionally as another user or under a shell prefix), then lets it retry. */
  async function runFailingChild(args: {
    file: string;
    entries: number;
    shell?: string;
    uid?: number;
    env?: Record<string, string>;
    beforeRetry?: () => Promise<void>;
  }) {
    const childScript = 'test/reliability/dumps/dump-failure.child.mjs';
    const script = join(await readableCopy(temp.dir, ['dist', childScript]), childScript);
    const command = args.shell ? ['/bin/sh', ['-c', `${args.shell}; exec "$0" "$@"`, process.execPath, script, args.file, String(args.entries)]] as const
      : [process.execPath, [script, args.file, String(args.entries)]] as const;
    const child = spawn(command[0], [...command[1]], {
      env: { ...process.env, NODE_OPTIONS: '', ...args.env },
      stdio: ['pipe', 'pipe', 'inherit'],
      ...(args.uid === undefined ? {} : { uid: args.uid, gid: args.uid }),
    });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const next = async () => JSON.parse(((await once(lines, 'line')) as [string])[0]);
      const first = await next();
      await args.beforeRetry?.();
      child.stdin.end('retry\n');
      const second = await next();
      const [code] = await exited;
      expect(code).toBe(0);
      return { first, second };
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL'); // a failed expectation must not leave it running
    }
  }

  /**
   * A bucket of about 300 KiB whose dumps can't be written for lack of room (`room` sets the limit up):
   * both writes fail with `code`, logged once, counted, leaving no file behind, while reads go on; once
   * the child shrinks the bucket to one entry, the retry writes it.
   */
  async function expectOutOfRoomThenRetried(dir: string, code: string, room: { shell?: string; env?: Record<string, string> }) {
    const file = join(dir, 'failing.dump');
    let filesWhileFailing: string[] = [];
    const { first, second } = await runFailingChild({
      file,
      entries: 5000,
      ...room,
      beforeRetry: async () => void (filesWhileFailing = await readdir(dir)),
    });
    expect(first.failed).toEqual([
      { ok: false, error: expect.stringContaining(code) },
      { ok: false, error: expect.stringContaining(code) },
    ]);
    expect(first.errors).toEqual([expect.stringContaining(`dump to ${file} failed: ${code}`)]);
    expect(first.stats.dumpErrors).toBe(2);
    expect(first.served).toEqual({ ok: true, value: 'loaded asked-while-failing', loaded: true });
    expect(filesWhileFailing).toEqual([]); // no half-written dump, no temporary file left
    expect(second.retried).toMatchObject({ ok: true, entries: 1 });
    expect(second.errors).toHaveLength(1);
    expect((await readDumpFile(file, 'failing')).flat).toEqual(['key-0', 'value 0 '.repeat(4)]);
  }

  it('a write that runs out of room (a real file size limit, EFBIG) is retried once the dump fits', async () => {
    const dir = join(temp.dir, 'limited');
    await mkdir(dir);
    // `ulimit -f 16`: this process may not write past 8 KiB into any file.
    await expectOutOfRoomThenRetried(dir, 'EFBIG', { shell: 'ulimit -f 16' });
  });

  it('a full disk (ENOSPC: a real 64 KiB tmpfs as root, else the mocked error code) leaves no partial file and is retried', async () => {
    const dir = join(temp.dir, 'full-disk');
    await mkdir(dir);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    try {
      await expectOutOfRoomThenRetried(dir, 'ENOSPC', asRoot ? {} : { env: { FULL_DISK: 'mock' } });
    } finally {
      if (asRoot) execFileSync('umount', [dir]);
    }
  });

  it('a folder this user may not write (EACCES; as an unprivileged user when tests run as root)', async () => {
    const dir = join(temp.dir, 'read-only');
    await mkdir(dir);
    const file = join(dir, 'failing.dump');
    const asRoot = process.getuid?.() === 0;
    await chmod(dir, 0o555);
    if (asRoot) await chmod(temp.dir, 0o755);
    const { first, second } = await runFailingChild({
      file,
      entries: 10,
      ...(asRoot ? { uid: 65534 } : {}),
      beforeRetry: () => chmod(dir, 0o777),
    });
    expect(first.failed).toEqual([
      { ok: false, error: expect.stringContaining('EACCES') },
      { ok: false, error: expect.stringContaining('EACCES') },
    ]);
    expect(first.errors).toHaveLength(1);
    expect(first.stats.dumpErrors).toBe(2);
    expect(first.served).toEqual({ ok: true, value: 'loaded asked-while-failing', loaded: true });
    expect(second.retried).toMatchObject({ ok: true });
    expect(second.stats.dumpErrors).toBe(2);
  });
});
