import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { access, chmod, constants, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type InitResult, type LoadResult } from '../../../lib/index.js';
import { DUMP_FORMAT_VERSION } from '../../../lib/store/persistence/dump-codec.js';
import { startEngine } from '../../support/engine.js';
import { bootApp } from '../../support/nest-app.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { readableCopy } from '../../support/readable-copy.js';
import { makeTempDir } from '../../support/temp-dir.js';

const QUARANTINE = /\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let validDump: Buffer; // a dump of bucket "guarded"
let otherBucketDump: Buffer;
let caseCount = 0;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** A dump written by the library itself, of a few entries of varied types. */
async function writeRealDump(bucket: string): Promise<Buffer> {
  const file = join(temp.dir, `${bucket}.source.dump`);
  const { engine } = await startEngine({ load: () => ({ ok: false, error: 'not used' }) }, { bucket, file });
  engine.set('text', 'a value');
  engine.set(42, { nested: [1, 2, 3], when: new Date(0) });
  engine.set('map', new Map([['k', new Set([1n])]]));
  expect((await engine.dump()).ok).toBe(true);
  await engine.close();
  return readFile(file);
}

/** A fresh folder per case, so quarantined files of different cases never meet. */
async function caseFile(): Promise<string> {
  const dir = join(temp.dir, `case-${caseCount++}`);
  await mkdir(dir);
  return join(dir, 'guarded.dump');
}

/** The same dump with another format version, and its header checksum made right again. */
function withVersion(dump: Buffer, version: number): Buffer {
  const copy = Buffer.from(dump);
  copy.writeUInt16LE(version, 8);
  const headerEnd = 36 + copy.readUInt16LE(10);
  copy.writeUInt32LE(crc32(copy.subarray(0, headerEnd)), headerEnd);
  return copy;
}

/**
 * Starts the engine of bucket "guarded" on `bytes` and checks what a user must see: start resolves,
 * one warning with the reason, init ran, the bad file kept beside as `<file>.corrupt-<timestamp>`.
 */
async function expectRejectedAtStart(bytes: Buffer, reason: string | RegExp): Promise<void> {
  const file = await caseFile();
  await writeFile(file, bytes);
  let initRuns = 0;
  const { engine, logger } = await startEngine<string, number>(
    { load: () => ({ ok: false, error: 'not used' }), init: () => void initRuns++ },
    { bucket: 'guarded', file },
  );
  const warnings = logger.at('warn');
  expect(warnings).toHaveLength(1);
  expect(warnings[0].message).toContain(`dump ${file} can't be used: `);
  expect(warnings[0].message).toMatch(reason);
  expect(initRuns).toBe(1);
  expect(engine.stats().startedFrom).toBe('init');
  expect(engine.size).toBe(0);
  const names = await readdir(join(file, '..'));
  const kept = names.filter((name) => QUARANTINE.test(name));
  expect(kept).toHaveLength(1);
  expect(warnings[0].message).toContain(`kept as ${join(file, '..', kept[0])}`);
  expect((await readFile(join(file, '..', kept[0]))).equals(bytes)).toBe(true);
  await engine.close();
}

beforeAll(async () => {
  temp = await makeTempDir();
  validDump = await writeRealDump('guarded');
  otherBucketDump = await writeRealDump('other');
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  await temp.remove();
});

describe('a corrupt dump never stops the app and is kept for inspection (property-based)', () => {
  it('the valid dump the cases start from is read back whole', async () => {
    const file = await caseFile();
    await writeFile(file, validDump);
    const { engine, logger } = await startEngine({ load: () => ({ ok: false, error: 'not used' }) }, { bucket: 'guarded', file });
    expect(engine.stats().startedFrom).toBe('dump');
    expect(engine.size).toBe(3);
    expect(logger.at('warn')).toEqual([]);
    await engine.close();
  });

  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        await expectRejectedAtStart(Buffer.from(bytes), /too short|bad magic/);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes behind a valid magic number', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 512 }), async (bytes) => {
        await expectRejectedAtStart(Buffer.concat([validDump.subarray(0, 8), bytes]), /./);
      }),
      { numRuns: 300 },
    );
  });

  it('truncation at every length', async () => {
    for (let length = 0; length < validDump.length; length++) {
      await expectRejectedAtStart(validDump.subarray(0, length), /too short|truncated|size is wrong/);
    }
  });

  it('appended bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (tail) => {
        await expectRejectedAtStart(Buffer.concat([validDump, tail]), /size is wrong/);
      }),
      { numRuns: 100 },
    );
  });

  it('a single bit flipped anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: validDump.length * 8 - 1 }), async (bit) => {
        const flipped = Buffer.from(validDump);
        flipped[bit >> 3] ^= 1 << (bit & 7);
        await expectRejectedAtStart(flipped, /./);
      }),
      { numRuns: 1500 },
    );
  }, 120_000); // 1,500 starts from a real file: about 10 s alone, several times that on a busy machine

  it("another bucket's dump", async () => {
    await expectRejectedAtStart(otherBucketDump, 'it is the dump of bucket "other"');
  });

  it('a format version this one does not read: 0, or one from the future', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(0), fc.integer({ min: DUMP_FORMAT_VERSION + 1, max: 0xffff })), async (version) => {
        await expectRejectedAtStart(withVersion(validDump, version), `format version ${version} is not supported`);
      }),
      { numRuns: 50 },
    );
  });

  it('an empty file', async () => {
    await expectRejectedAtStart(Buffer.alloc(0), 'too short for a dump (0 bytes)');
  });
});

describe('the unusable dumps kept aside', () => {
  it('are the newest three per dump file; older ones are removed, other files and folders are left alone', async () => {
    const file = await caseFile();
    const folder = join(file, '..');
    await mkdir(`${file}.corrupt-0000-01-01T00-00-00-000Z`); // a folder moved aside: never removed
    await writeFile(join(folder, 'other.dump.corrupt-0000-01-01T00-00-00-000Z'), 'another dump file’s'); // not ours
    const keptContents = async () => {
      const names = (await readdir(folder)).filter((name) => name.startsWith('guarded.dump.corrupt-') && !name.startsWith('guarded.dump.corrupt-0000'));
      return Promise.all(names.sort().map((name) => readFile(join(folder, name), 'utf8')));
    };
    for (let start = 1; start <= 5; start++) {
      await writeFile(file, `corrupt dump number ${start}`);
      const { engine, logger } = await startEngine({ load: () => ({ ok: false, error: 'not used' }) }, { bucket: 'guarded', file });
      expect(logger.at('warn', "can't be used")).toHaveLength(1);
      if (start > 3) expect(logger.at('debug', 'removed 1 older unusable dumps kept aside')).toHaveLength(1);
      await engine.close();
      await rm(file, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 2)); // each start its own millisecond: its own name
    }
    expect(await keptContents()).toEqual(['corrupt dump number 3', 'corrupt dump number 4', 'corrupt dump number 5']);
    expect((await stat(`${file}.corrupt-0000-01-01T00-00-00-000Z`)).isDirectory()).toBe(true);
    expect(await readFile(join(folder, 'other.dump.corrupt-0000-01-01T00-00-00-000Z'), 'utf8')).toBe('another dump file’s');
  });
});

describe('a dump that is not a readable file', () => {
  it('a directory in place of the file: moved aside, init runs', async () => {
    const file = await caseFile();
    await mkdir(file);
    await writeFile(join(file, 'inside'), 'x');
    const { engine, logger } = await startEngine<string, number>(
      { load: () => ({ ok: false, error: 'not used' }), init: () => ({ ok: true, seed: { fresh: 1 } }) },
      { bucket: 'guarded', file },
    );
    expect(logger.at('warn', 'it is not a regular file')).toHaveLength(1);
    expect(engine.stats().startedFrom).toBe('init');
    const kept = (await readdir(join(file, '..'))).find((name) => QUARANTINE.test(name))!;
    expect((await stat(join(file, '..', kept))).isDirectory()).toBe(true);
    expect(await readFile(join(file, '..', kept, 'inside'), 'utf8')).toBe('x');
    await engine.close();
    expect((await stat(file)).isFile()).toBe(true); // the seed was dumped in its place
  });

  it('a file without read permission: moved aside, init runs (as an unprivileged user when tests run as root)', async () => {
    const file = await caseFile();
    await writeFile(file, validDump, { mode: 0o600 });
    await chmod(file, 0o000);
    const asRoot = process.getuid?.() === 0;
    // Root reads a file whatever its mode, so as root the engine runs as "nobody" in a child process.
    const readable = asRoot ? false : await access(file, constants.R_OK).then(() => true, () => false);
    expect(readable).toBe(false);
    if (asRoot) {
      await chmod(temp.dir, 0o755);
      await chmod(join(file, '..'), 0o777);
    }
    const child = 'test/reliability/dumps/corrupt-dump.child.mjs';
    const copy = await readableCopy(temp.dir, ['dist', child]);
    const { stdout } = await promisify(execFile)(process.execPath, [join(copy, child), file], {
      env: { ...process.env, NODE_OPTIONS: '' },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    const seen = JSON.parse(stdout) as { warnings: string[]; initRuns: number; startedFrom: string; keys: string[]; names: string[] };
    expect(seen.warnings).toEqual([expect.stringMatching(/can't be used: .*(EACCES|permission denied)/)]);
    expect(seen).toMatchObject({ initRuns: 1, startedFrom: 'init', keys: ['fresh'] });
    expect(seen.names.filter((name) => QUARANTINE.test(name))).toHaveLength(1);
    expect(seen.names).toContain('guarded.dump');
  });
});

describe('in a Nest app', () => {
  @CacheWorker({ bucket: 'guarded', refreshInterval: null })
  class GuardedStore extends CacheWorkerStore<string, number> {
    static initRuns = 0;
    load(): LoadResult<number> {
      return { ok: false, error: 'not used' };
    }
    override init(): InitResult<string, number> {
      GuardedStore.initRuns++;
      return { ok: true, seed: { fresh: 1 } };
    }
  }

  it.each<[string, () => Buffer, string]>([
    ['random bytes', () => Buffer.from('not a dump at all, just some text that is long enough'), 'bad magic'],
    ['a truncated dump', () => validDump.subarray(0, validDump.length - 7), 'size is wrong'],
    ['a flipped bit', () => Buffer.from(validDump.map((byte, i) => (i === validDump.length - 3 ? byte ^ 4 : byte))), 'payload checksum'],
    ["another bucket's dump", () => otherBucketDump, 'dump of bucket "other"'],
    ['a future format version', () => withVersion(validDump, 4), 'format version 4 is not supported (this version reads 1 to 3)'],
    ['an empty file', () => Buffer.alloc(0), 'too short'],
  ])('%s: the app boots, warns naming the bucket and the reason, runs init and keeps the file', async (_name, bytes, reason) => {
    const file = await caseFile();
    await writeFile(file, bytes());
    const logger = new RecordingLogger();
    GuardedStore.initRuns = 0;
    const app = await bootApp([CacheWorkerModule.forFeature([{ store: GuardedStore, file }])], logger);
    const warning = logger.at('warn', "can't be used");
    expect(warning).toHaveLength(1);
    expect(warning[0].context).toBe('CacheWorker:guarded');
    expect(warning[0].message).toContain(reason);
    expect(GuardedStore.initRuns).toBe(1);
    const store = app.get(GuardedStore);
    expect(store.stats().startedFrom).toBe('init');
    expect(await store.get('fresh')).toBe(1);
    expect((await readdir(join(file, '..'))).filter((name) => QUARANTINE.test(name))).toHaveLength(1);
    await app.close();
  });
});
