import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../cluster/support/redis-server.mjs';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { run, startApp, type Finished, type RunningApp } from './compat-app.js';

/**
 * Packs the library as `npm publish` would and installs the tarball into copies of the apps under
 * this folder, each with its own dependencies from the registry (npm's shared cache keeps it fast).
 * Both apps share the sources in `app/src`; only their package.json and tsconfig.json differ.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

interface PackedFile {
  path: string;
}

let work: Awaited<ReturnType<typeof makeTempDir>>;
let tarball: string;
let packedFiles: string[];

beforeAll(async () => {
  work = await makeTempDir('ncw-compat-');
  // `--json` keeps the build's output (the prepack script) out of stdout.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work.dir], root);
  const [result] = JSON.parse(packed.stdout) as Array<{ filename: string; files: PackedFile[] }>;
  tarball = join(work.dir, result.filename);
  packedFiles = result.files.map((file) => file.path);
});

afterAll(async () => {
  await work?.remove();
});

describe('the packed package', () => {
  it('holds only the build, the Grafana dashboard, README.md, LICENSE, CHANGELOG.md and package.json', () => {
    const outsideBuild = packedFiles.filter((path) => !/^dist\/.+\.(js|d\.ts)(\.map)?$/.test(path));
    expect(outsideBuild.sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dashboards/grafana/cache-worker.json', 'package.json']);
    expect(packedFiles).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map']));
  });
});

/** What the app's `GET /widgets/:id` answers: the value read through `get`, the source's calls and the `loaded` events. */
interface WidgetReply {
  widget: { id: string; name: string };
  sourceCalls: number;
  loadedEvents: number;
}

async function readWidget(app: RunningApp, id: string): Promise<WidgetReply> {
  return (await app.get(`/widgets/${id}`)).json() as Promise<WidgetReply>;
}

async function bucketHealth(app: RunningApp): Promise<{ entries: number }> {
  const health = (await (await app.get('/health')).json()) as { info: { cache: { buckets: { widgets: { entries: number } } } } };
  return health.info.cache.buckets.widgets;
}

/**
 * What a closed app reported: how it ended (Nest's shutdown hook closes the app, then ends the process
 * with the signal it got) and its error output, without Node's own warnings (such as an experimental
 * feature notice).
 */
function closing(finished: Finished): { ended: string; errors: string } {
  const errors = finished.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/ExperimentalWarning|--trace-warnings/.test(line))
    .join('\n');
  return { ended: finished.signal ?? `exit code ${finished.code}`, errors };
}

const CLEAN = { ended: expect.stringMatching(/^(SIGTERM|exit code 0)$/), errors: '' };

describe.each([
  { app: 'nest12-esm', importOfPackage: /from ['"]nest-cache-worker['"]/ },
  { app: 'nest11-cjs', importOfPackage: /require\(["']nest-cache-worker["']\)/ },
])('the $app app', ({ app, importOfPackage }) => {
  let dir: string;
  let running: RunningApp | undefined;

  beforeAll(async () => {
    dir = join(work.dir, app);
    await cp(join(here, app), dir, { recursive: true });
    await cp(join(here, 'app', 'src'), join(dir, 'src'), { recursive: true });
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], dir);
    await run('npm', ['run', 'build'], dir);
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('installs the tarball with its peers and compiles against its types', async () => {
    const installed = JSON.parse(await readFile(join(dir, 'node_modules', 'nest-cache-worker', 'package.json'), 'utf8'));
    expect(installed.name).toBe('nest-cache-worker');
    // The app loads the package the way its module system does: `import` in ESM, `require` in CommonJS.
    expect(await readFile(join(dir, 'dist', 'widget.store.js'), 'utf8')).toMatch(importOfPackage);
  });

  it('answers through get, closes cleanly, serves from its dump after a restart, with events, metrics, spans, health, the board and the dump inspector', async () => {
    const dumpDir = join(dir, 'dump');
    await mkdir(dumpDir);

    running = await startApp(dir, { DUMP_DIR: dumpDir });
    const widget = { id: 'a', name: 'widget a' };
    expect(await readWidget(running, 'a')).toEqual({ widget, sourceCalls: 1, loadedEvents: 1 });
    expect(await readWidget(running, 'a')).toEqual({ widget, sourceCalls: 1, loadedEvents: 1 });
    // The `nest-cache-worker/metrics` entry point with the optional peer `prom-client`.
    expect(await (await running.get('/metrics')).text()).toMatch(/^cache_worker_loads_total\{bucket="widgets"\} 1$/m);
    // The `nest-cache-worker/otel` entry point with the optional peer `@opentelemetry/api` and the SDK's tracer provider.
    expect(await (await running.get('/spans')).json()).toContain('cache_worker.load');
    const first = await running.stop();
    running = undefined;
    expect(closing(first)).toEqual(CLEAN);
    expect((await stat(join(dumpDir, 'widgets.dump'))).size).toBeGreaterThan(0);
    // The package's command, as `npx` finds it in the app.
    const inspected = await run('npx', ['nest-cache-worker', 'inspect', join(dumpDir, 'widgets.dump')], dir);
    expect(inspected.stdout).toContain('bucket     widgets\n');
    expect(inspected.stdout).toContain('verdict    usable\nkeys       all 1\n  "a"\n');

    running = await startApp(dir, { DUMP_DIR: dumpDir });
    expect(await readWidget(running, 'a')).toEqual({ widget, sourceCalls: 0, loadedEvents: 0 });
    // The `nest-cache-worker/health` entry point with the optional peer `@nestjs/terminus`.
    expect(await (await running.get('/health')).json()).toMatchObject({
      status: 'ok',
      info: { cache: { status: 'up', buckets: { widgets: { status: 'up', entries: 1, startedFrom: 'dump' } } } },
    });
    // The `nest-cache-worker/board` entry point.
    expect(await (await running.get('/cache-worker/api/buckets')).json()).toMatchObject({
      readOnly: true,
      buckets: [{ bucket: 'widgets', entries: 1, startedFrom: 'dump', health: { status: 'up' } }],
    });
    const second = await running.stop();
    running = undefined;
    expect(closing(second)).toEqual(CLEAN);
  });

  it('shares a loaded value with a second instance through Redis (cluster mode, optional peer ioredis)', async () => {
    const redis = await startRedisServer();
    const instances: RunningApp[] = [];
    try {
      for (const name of ['first', 'second']) {
        const dumpDir = join(dir, `cluster-${name}`);
        await mkdir(dumpDir);
        instances.push(await startApp(dir, { DUMP_DIR: dumpDir, REDIS_URL: redis.url }));
      }
      const [first, second] = instances;
      expect(await readWidget(first, 'b')).toMatchObject({ sourceCalls: 1 });
      await waitFor(async () => (await bucketHealth(second)).entries === 1, 'the loaded value to reach the second instance', 30_000);
      expect(await readWidget(second, 'b')).toEqual({ widget: { id: 'b', name: 'widget b' }, sourceCalls: 0, loadedEvents: 0 });
      for (const finished of await Promise.all(instances.splice(0).map((instance) => instance.stop()))) {
        expect(closing(finished)).toEqual(CLEAN);
      }
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()));
      await redis.stop();
    }
  });
});
