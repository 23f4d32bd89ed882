// The jest part of `npm test`: every test of jest.config.js, then the packaging tests of test/compat (they pack
// the library, which rebuilds dist/, so they run after the others, not beside them). Arguments after
// `npm test --` go to both runs; with `--json --outputFile=F`, F holds the two runs' results summed.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const RUNS = [
  ['--detectOpenHandles', '--forceExit'],
  ['--config', 'test/compat/jest.config.js'],
];

const args = process.argv.slice(2);
const outputFile = args.find((arg) => arg.startsWith('--outputFile='))?.slice('--outputFile='.length);
// A test path given on the command line belongs to one of the two runs; the other finds nothing, which is fine.
const patterns = args.some((arg) => !arg.startsWith('-')) ? ['--passWithNoTests'] : [];

let status = 0;
const results = [];
RUNS.forEach((options, index) => {
  const runArgs = args.map((arg) => (outputFile && arg.startsWith('--outputFile=') ? `${arg}.${index}` : arg));
  const run = spawnSync('jest', [...options, ...patterns, ...runArgs], {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() },
  });
  if (status === 0) status = run.status ?? 1;
  if (outputFile) results.push(readResult(`${outputFile}.${index}`));
});
if (outputFile) writeFileSync(outputFile, JSON.stringify(summed(results)));
process.exitCode = status;

/** One run's JSON results, or an empty failed run when it wrote none (jest itself failed). */
function readResult(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { success: false, numRuntimeErrorTestSuites: 1, testResults: [] };
  } finally {
    rmSync(file, { force: true });
  }
}

/** The runs' results as one: counts summed, test results concatenated. */
function summed(runs) {
  const total = { success: runs.every((run) => run.success), testResults: runs.flatMap((run) => run.testResults ?? []) };
  for (const run of runs) {
    for (const [field, value] of Object.entries(run)) {
      if (field.startsWith('num') && typeof value === 'number') total[field] = (total[field] ?? 0) + value;
    }
  }
  return total;
}
