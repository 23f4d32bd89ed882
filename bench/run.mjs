// The benchmark runner: runs every workload in bench/workloads/ in one process and prints one table.
//
//   node --expose-gc bench/run.mjs [--quick | --smoke] [--only=1,5] [--out=file.json]
//
// A workload is a file in bench/workloads/ whose default export is
//   { id: number, name: string, sizes: { full, quick, smoke }, run(context) → Promise<Row[]> }
// (rows are built with support/rows.mjs); the runner picks up new files by itself.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdownTable } from './support/format.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Rounds and time per task per round of the micro-benchmarks, per mode. */
const MICRO = {
  full: { rounds: 7, timeMs: 300 },
  quick: { rounds: 7, timeMs: 40 },
  smoke: { rounds: 2, timeMs: 5 },
};

function parseArgs(argv) {
  const options = { mode: 'full', only: null, out: join(here, 'results', 'latest.json') };
  for (const arg of argv) {
    if (arg === '--quick') options.mode = 'quick';
    else if (arg === '--smoke') options.mode = 'smoke';
    else if (arg.startsWith('--only=')) options.only = arg.slice('--only='.length).split(',');
    else if (arg.startsWith('--out=')) options.out = arg.slice('--out='.length);
    else throw new Error(`unknown argument ${arg} (expected --quick, --smoke, --only=ids, --out=file)`);
  }
  return options;
}

async function loadWorkloads(only) {
  const folder = join(here, 'workloads');
  const files = (await readdir(folder)).filter((name) => /\.m?js$/.test(name));
  const workloads = [];
  for (const file of files) {
    const workload = (await import(pathToFileURL(join(folder, file)).href)).default;
    if (!workload || typeof workload.run !== 'function' || typeof workload.id !== 'number') {
      throw new Error(`bench/workloads/${file} must export default { id, name, sizes, run }`);
    }
    workloads.push(workload);
  }
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

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const workloads = await loadWorkloads(options.only);
  const started = new Date();
  const results = [];
  for (const workload of workloads) {
    const sizes = workload.sizes[options.mode];
    const log = (text) => process.stderr.write(`  [${workload.id}] ${text}\n`);
    process.stderr.write(`workload ${workload.id}: ${workload.name} ${JSON.stringify(sizes)}\n`);
    const context = { mode: options.mode, sizes, ...MICRO[options.mode], log };
    const result = { id: workload.id, name: workload.name, sizes, rows: [] };
    try {
      result.rows = await workload.run(context);
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      process.exitCode = 1;
      process.stderr.write(`  [${workload.id}] failed: ${error?.stack ?? error}\n`);
    }
    results.push(result);
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
