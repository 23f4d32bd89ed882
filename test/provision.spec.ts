import { execFile } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findCommand } from '../scripts/provision/find-command.mjs';
import { provision } from '../scripts/provision/provision.mjs';
import { REQUIRED_COMMANDS, requiredFor } from '../scripts/provision/required-commands.mjs';
import { readableCopy } from './support/readable-copy.js';
import { makeTempDir } from './support/temp-dir.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => (temp = await makeTempDir('ncw-provision-')));
afterAll(() => temp.remove());

describe('provisioning (scripts/provision, run by jest and the bench before anything else)', () => {
  it('has every required command in place once jest started', () => {
    const found = REQUIRED_COMMANDS.map(({ command }) => ({ command, found: findCommand(command) !== null }));
    expect(found).toEqual(REQUIRED_COMMANDS.map(({ command }) => ({ command, found: true })));
  });

  it('asks for the bench only what the bench uses: no browser', () => {
    expect(requiredFor('bench').map(({ command }) => command)).toEqual(['redis-server', 'redis-cli']);
    expect(requiredFor('tests').map(({ command }) => command)).toEqual(REQUIRED_COMMANDS.map(({ command }) => command));
  });

  it('does nothing when every command is there', async () => {
    await expect(provision([{ command: 'sh', debianPackage: 'dash', neededBy: 'this test' }])).resolves.toBeUndefined();
  });

  it('for a user who may not install, a missing command fails with one line that says what to install', async () => {
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chmod(temp.dir, 0o755);
    const copy = await readableCopy(temp.dir, ['scripts/provision']);
    const missing = [{ command: 'ncw-missing-command', debianPackage: 'ncw-missing-package', neededBy: 'this test' }];
    const script = `
      import { provision } from ${JSON.stringify(join(copy, 'scripts/provision/provision.mjs'))};
      try { await provision(${JSON.stringify(missing)}); } catch (error) { console.error(error.message); process.exit(1); }`;
    const outcome = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, NODE_OPTIONS: '' },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}), // root could install: run as "nobody"
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(outcome).toEqual({
      code: 1,
      stderr:
        'ncw-missing-command (for this test) not found on PATH: install the Debian/Ubuntu package as root: ' +
        'apt-get install -y ncw-missing-package\n',
    });
  });
});
