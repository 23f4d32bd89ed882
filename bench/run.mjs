// The benchmark runner: runs every workload in bench/workloads/ in one process and prints one table.
//
//   node --expose-gc bench/run.mjs [--quick | --smoke] [--only=1,5] [--out=file.json]
//
// A workload is a file in bench/workloads/ whose default export is
//   { id: number, name: string, sizes: { full, quick, smoke }, run(context) → Promise<Row[]> }
// (rows are built with support/rows.mjs); the runner picks up new files by itself.
//
// Each workload runs in a fresh Node process (this file with --workload=), its baselines beside it:
// what one workload loads or leaves on the heap can't change another's figures. (Loading ioredis,
// for one, made the object-key reads of workload 2 a third slower in a shared process.)
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { provision, ProvisionError } from '../scripts/provision/provision.mjs';
import { requiredFor } from '../scripts/provision/required-commands.mjs';
import { markdownTable } from './support/format.mjs';

const execFileAsync = promisify(execFile);

const here = dirname(fileURLToPath(import.meta.url));

/** Rounds and time per task per round of the micro-benchmarks, per mode. */
const MICRO = {
  full: { rounds: 7, timeMs: 300 },
  quick: { rounds: 7, timeMs: 40 },
  smoke: { rounds: 2, timeMs: 5 },
};

function parseArgs(argv) {
  const options = { mode: 'full', only: null, out: join(here, 'results', 'latest.json'), workload: null, result: null };
  for (const arg of argv) {
    if (arg === '--quick') options.mode = 'quick';
    else if (arg === '--smoke') options.mode = 'smoke';
    else if (arg.startsWith('--workload=')) options.workload = arg.slice('--workload='.length);
    else if (arg.startsWith('--result=')) options.result = arg.slice('--result='.length);
    else if (arg.startsWith('--only=')) options.only = arg.slice('--only='.length).split(',');
    else if (arg.startsWith('--out=')) options.out = arg.slice('--out='.length);
    else throw new Error(`unknown argument ${arg} (expected --quick, --smoke, --only=ids, --out=file)`);
  }
  return options;
}

async function importWorkload(file) {
  const workload = (await import(pathToFileURL(file).href)).default;
  if (!workload || typeof workload.run !== 'function' || typeof workload.id !== 'number') {
    throw new Error(`bench/workloads/${basename(file)} must export default { id, name, sizes, run }`);
  }
  return workload;
}

async function loadWorkloads(only) {
  const folder = join(here, 'workloads');
  const files = (await readdir(folder)).filter((name) => /\.m?js$/.test(name));
  const workloads = [];
  for (const file of files) workloads.push({ ...(await importWorkload(join(folder, file))), file: join(folder, file) });
  const wanted = (w) => !only || only.some((item) => String(w.id) === item || w.name.includes(item));
  return workloads.filter(wanted).sort((a, b) => a.id - b.id || a.name.localeCompare(b.name));
}

function machine() {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** In a child process: runs one workload and writes its rows (or its error) to `resultFile`. */
async function runOne(file, mode, resultFile) {
  const workload = await importWorkload(file);
  const log = (text) => process.stderr.write(`  [${workload.id}] ${text}\n`);
  let outcome;
  try {
    outcome = { rows: await workload.run({ mode, sizes: workload.sizes[mode], ...MICRO[mode], log }) };
  } catch (error) {
    process.stderr.write(`  [${workload.id}] failed: ${error?.stack ?? error}\n`);
    outcome = { error: error instanceof Error ? error.message : String(error) };
  }
  await writeFile(resultFile, JSON.stringify(outcome));
}

/** Runs one workload in a fresh process with the same Node flags (--expose-gc among them). */
async function runInChild(workload, mode, folder) {
  const resultFile = join(folder, `${basename(workload.file)}.json`);
  const flags = process.execArgv.includes('--expose-gc') ? process.execArgv : [...process.execArgv, '--expose-gc'];
  const args = [...flags, fileURLToPath(import.meta.url), `--workload=${workload.file}`, `--result=${resultFile}`];
  if (mode !== 'full') args.push(`--${mode}`);
  const child = execFileAsync(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  child.child.stderr?.pipe(process.stderr);
  child.child.stdout?.pipe(process.stderr);
  try {
    await child;
  } catch (error) {
    return { error: `the workload's process failed: ${error instanceof Error ? error.message.split('\n')[0] : error}` };
  }
  return JSON.parse(await readFile(resultFile, 'utf8'));
}

/** Installs or asks for the commands the workloads need (scripts/provision/): one line and exit 1 if it can't. */
async function provisionOrExit() {
  try {
    await provision(requiredFor('bench'));
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.workload) return runOne(options.workload, options.mode, options.result);
  await provisionOrExit();
  const workloads = await loadWorkloads(options.only);
  const started = new Date();
  const results = [];
  const folder = await mkdtemp(join(tmpdir(), 'ncw-bench-'));
  try {
    for (const workload of workloads) {
      const sizes = workload.sizes[options.mode];
      process.stderr.write(`workload ${workload.id}: ${workload.name} ${JSON.stringify(sizes)}\n`);
      const outcome = await runInChild(workload, options.mode, folder);
      if (outcome.error) process.exitCode = 1;
      results.push({ id: workload.id, name: workload.name, sizes, rows: outcome.rows ?? [], ...(outcome.error ? { error: outcome.error } : {}) });
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  const report = { date: started.toISOString(), mode: options.mode, machine: machine(), results };
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);

  const rows = results.flatMap((result) => result.rows);
  const judged = rows.filter((r) => r.met !== null);
  const m = report.machine;
  console.log(`\n${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${m.platform}, ${report.date}, mode ${report.mode}\n`);
  console.log(markdownTable(results));
  console.log(`\ntargets met: ${judged.filter((r) => r.met).length} of ${judged.length}; JSON in ${options.out}`);
}

await main();
