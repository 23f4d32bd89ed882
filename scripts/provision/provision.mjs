// Makes sure the commands in required-commands.mjs are there before the tests or the bench run: a missing one
// is installed from Debian's packages when this process is root on Debian/Ubuntu (as Playwright's
// `install-deps` does); otherwise it fails with one line that says what to install.
//
//   node scripts/provision/provision.mjs      (jest's globalSetup and bench/run.mjs call provision() itself)
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findCommand } from './find-command.mjs';
import { REQUIRED_COMMANDS } from './required-commands.mjs';

const execFileAsync = promisify(execFile);
const APT_GET = ['-o', 'DPkg::Lock::Timeout=600'];
const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

/** A requirement that can't be met here; its message is the one line to show. */
export class ProvisionError extends Error {
  name = 'ProvisionError';
}

/** Installs what is missing of `requirements` where it can, else throws a ProvisionError. */
export async function provision(requirements = REQUIRED_COMMANDS) {
  const missing = requirements.filter((requirement) => !findCommand(requirement.command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((requirement) => requirement.debianPackage))];
  const what = missing.map((requirement) => `${requirement.command} (for ${requirement.neededBy})`).join(', ');
  const advice = `install the Debian/Ubuntu package${packages.length > 1 ? 's' : ''} as root: apt-get install -y ${packages.join(' ')}`;
  if (!canInstall()) throw new ProvisionError(`${what} not found on PATH: ${advice}`);

  process.stderr.write(`provisioning: ${what} not found; installing ${packages.join(' ')} with apt-get\n`);
  try {
    await aptGetInstall(packages);
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new ProvisionError(`apt-get could not install ${packages.join(' ')} (${output || error.message}): ${advice}`);
  }
  const stillMissing = missing.filter((requirement) => !findCommand(requirement.command));
  if (stillMissing.length > 0) {
    const commands = stillMissing.map((requirement) => requirement.command).join(', ');
    throw new ProvisionError(`${commands} still not found after installing ${packages.join(' ')}: ${advice}`);
  }
}

/** Root on Debian or a derivative, with apt-get. */
function canInstall() {
  return process.getuid?.() === 0 && isDebianLike() && findCommand('apt-get') !== null;
}

function isDebianLike() {
  let release;
  try {
    release = readFileSync('/etc/os-release', 'utf8');
  } catch {
    return false;
  }
  const field = (name) => release.match(new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm'))?.[1] ?? '';
  return `${field('ID')} ${field('ID_LIKE')}`.split(/\s+/).some((id) => id === 'debian' || id === 'ubuntu');
}

/** `apt-get install`, after one `apt-get update` when a package is unknown or the install fails on stale lists. */
async function aptGetInstall(packages) {
  const install = () => execFileAsync('apt-get', [...APT_GET, 'install', '-y', ...packages], { env: APT_ENV });
  const update = () => execFileAsync('apt-get', [...APT_GET, 'update'], { env: APT_ENV });
  if (!(await allKnown(packages))) {
    await update();
    return install();
  }
  try {
    return await install();
  } catch {
    await update();
    return install();
  }
}

async function allKnown(packages) {
  const { stdout } = await execFileAsync('apt-cache', ['policy', ...packages], { env: APT_ENV });
  const candidates = [...stdout.matchAll(/Candidate: (\S+)/g)].map((match) => match[1]);
  return candidates.length === packages.length && candidates.every((candidate) => candidate !== '(none)');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await provision();
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
