import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { copyFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../../lib/index.js';
import { bootApp } from '../support/nest-app.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { startSample, stopSample } from '../support/sample-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DUMP_FORMAT_VERSION } from '../../lib/store/persistence/dump-codec.js';

/** The command as package.json's "bin" names it, from the build. */
const packageJson = JSON.parse(await readFile('package.json', 'utf8')) as { bin: Record<string, string> };
const CLI = resolve(packageJson.bin['nest-cache-worker']!);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `nest-cache-worker <args>` in its own process, as `npx nest-cache-worker` does. */
async function cli(...args: string[]): Promise<Run> {
  const { NODE_OPTIONS: _jestOnly, ...env } = process.env;
  return promisify(execFile)(process.execPath, [CLI, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let good: string;
let writtenAfter: number;
let writtenBefore: number;
const WIDGETS = ['5', '12', '7'];

beforeAll(async () => {
  temp = await makeTempDir('ncw-inspect-');
  good = join(temp.dir, 'widgets.dump');
  // A real dump: the built sample app loads three widgets and writes its dump when it stops.
  const sample = await startSample({ WIDGET_DUMP_FILE: good, WIDGET_REFRESH_MS: '0' });
  try {
    for (const id of WIDGETS) await request(`http://127.0.0.1:${sample.port}`).get(`/widgets/${id}`).expect(200);
    writtenAfter = Date.now();
  } finally {
    await stopSample(sample);
  }
  writtenBefore = Date.now();
}, 60_000);

afterAll(() => temp.remove());

/** A copy of the good dump, changed by `spoil`. */
async function spoiled(name: string, spoil: (file: string) => Promise<void>): Promise<string> {
  const file = join(temp.dir, name);
  await copyFile(good, file);
  await spoil(file);
  return file;
}

async function flipByte(file: string, at: (size: number) => number): Promise<void> {
  const data = await readFile(file);
  data[at(data.length)]! ^= 0x10;
  await writeFile(file, data);
}

/** What the app itself logs when it starts from `file`: the loader's reason. */
async function loaderWarning(file: string): Promise<string> {
  @CacheWorker({ bucket: 'widgets', file, refreshInterval: null })
  class WidgetStore extends CacheWorkerStore<string, unknown> {
    load(): LoadResult<unknown> {
      return { ok: false, error: 'not in this test' };
    }
  }
  const logger = new RecordingLogger();
  const app = await bootApp([CacheWorkerModule.forFeature([WidgetStore])], logger);
  await app.close();
  return logger.at('warn', "can't be used")[0]!.message;
}

describe('npx nest-cache-worker inspect, on dumps the sample app wrote', () => {
  it('prints the header, the checksums and the first keys of a good dump, and no value', async () => {
    const run = await cli('inspect', good);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    const { size } = await stat(good);
    expect(lines.slice(0, 3)).toEqual([`file       ${good} (${size} bytes)`, 'bucket     widgets', `format     version ${DUMP_FORMAT_VERSION}`]);
    const created = Date.parse(lines[3]!.replace(/^created +/, ''));
    expect(created).toBeGreaterThanOrEqual(writtenAfter - 1000);
    expect(created).toBeLessThanOrEqual(writtenBefore);
    expect(lines.slice(4)).toEqual([
      'entries    3',
      expect.stringMatching(/^payload    \d+ bytes$/),
      'checksums  header ok, payload ok',
      'verdict    usable',
      'keys       all 3',
      ...WIDGETS.map((id) => `  "${id}"`),
    ]);
    expect(run.stdout).not.toContain('Widget');
  });

  it('lists N keys with --keys, and their values only with --values', async () => {
    const one = await cli('inspect', good, '--keys', '1');
    expect(one.stdout).toContain('keys       first 1 of 3\n  "5"\n');
    expect(one.stdout).not.toContain('"12"');
    const none = await cli('inspect', '--keys=0', good);
    expect(none.stdout).toContain('keys       first 0 of 3\n');
    const values = await cli('inspect', good, '--keys', '2', '--values');
    expect(values.code).toBe(0);
    expect(values.stdout).toContain(`  "5" = {\n      id: '5',\n      name: 'Widget 5',`);
    expect(values.stdout).toContain(`name: 'Widget 12'`);
    expect(values.stdout).not.toContain('Widget 7');
  });

  it('prints one JSON object with --json', async () => {
    const run = await cli('inspect', good, '--json', '--keys', '2');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toEqual({
      file: good,
      bytes: (await stat(good)).size,
      header: { bucket: 'widgets', version: DUMP_FORMAT_VERSION, createdAt: expect.any(String), entries: 3, payloadBytes: expect.any(Number) },
      checksums: { header: 'ok', payload: 'ok' },
      usable: true,
      reason: null,
      keys: [{ key: '"5"' }, { key: '"12"' }],
    });
    expect(Date.parse(report.header.createdAt)).toBeGreaterThanOrEqual(writtenAfter - 1000);
    const withValues = JSON.parse((await cli('inspect', good, '--json', '--keys', '1', '--values')).stdout);
    expect(withValues.keys[0].value).toContain("name: 'Widget 5'");
  });

  it.each([
    ['a flipped payload byte', (file: string) => flipByte(file, (size) => size - 5), 'header ok, payload does not match'],
    ['a flipped header byte', (file: string) => flipByte(file, () => 13), 'header does not match'],
    ['a truncated file', async (file: string) => truncate(file, (await stat(file)).size - 10), 'header ok, payload not checked'],
    ['bytes appended', async (file: string) => writeFile(file, 'more', { flag: 'a' }), 'header ok, payload not checked'],
    ['a foreign file', (file: string) => writeFile(file, JSON.stringify({ widgets: WIDGETS })), 'header not checked'],
  ])('on %s: says why, as the app does, lists no key and exits 1', async (name, spoil, checksums) => {
    const file = await spoiled(`${name.replace(/ /g, '-')}.dump`, spoil);
    const run = await cli('inspect', file);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`checksums  ${checksums}\n`);
    expect(run.stdout).not.toContain('keys');
    const said = /^nest-cache-worker inspect: (dump .* can't be used: .*)$/.exec(run.stderr.trim())?.[1];
    expect(said).toBeDefined();
    expect(run.stdout).toContain(`verdict    unusable: ${said!.slice(`dump ${file} can't be used: `.length)}\n`);
    // The loader, starting an app on the same bytes, gives the same reason.
    const loaderCopy = join(temp.dir, `loader-${name.replace(/ /g, '-')}.dump`);
    await copyFile(file, loaderCopy);
    expect(await loaderWarning(loaderCopy)).toContain(said!.replace(file, loaderCopy));
  });

  it('says a missing file can’t be read, and exits 1', async () => {
    const missing = join(temp.dir, 'missing.dump');
    const run = await cli('inspect', missing);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`nest-cache-worker inspect: dump ${missing} can't be used: the file can't be read: ENOENT: no such file or directory, open '${missing}'\n`);
  });

  it.each([
    [['inspect'], 'nest-cache-worker inspect: give the dump file to inspect'],
    [['inspect', 'a.dump', '--verbose'], 'nest-cache-worker inspect: unknown option "--verbose"'],
    [['inspect', 'a.dump', '--keys', 'many'], 'nest-cache-worker inspect: --keys takes a whole number of keys, got "many"'],
    [['inspect', 'a.dump', '--keys'], 'nest-cache-worker inspect: --keys takes a whole number of keys, got nothing'],
    [['inspect', 'a.dump', 'b.dump'], 'nest-cache-worker inspect: one dump file at a time (also got "b.dump")'],
    [['dump'], 'nest-cache-worker: unknown command "dump"'],
    [[], 'nest-cache-worker: give a command: inspect'],
  ])('rejects the command line %p with exit code 2 and the usage', async (args, message) => {
    const run = await cli(...args);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(message);
    expect(run.stderr).toContain('usage: nest-cache-worker inspect <dump-file> [--keys N] [--json] [--values]');
  });

  it('prints the usage with --help', async () => {
    const run = await cli('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: nest-cache-worker inspect /);
  });
});
