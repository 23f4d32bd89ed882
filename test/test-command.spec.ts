import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('npm test', () => {
  it('runs every jest test, the compat tests included', async () => {
    const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // What `npm test` runs after building and type-checking, asked for its list of test files.
    const jestPart = scripts.test!.split('&&').at(-1)!.trim();
    const { stdout } = await promisify(execFile)('/bin/sh', ['-c', `${jestPart} --listTests`], {
      cwd: root,
      env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` },
      maxBuffer: 16 * 1024 * 1024,
    });
    const listed = stdout.split('\n').filter((line) => line.startsWith('/')).map((line) => line.slice(root.length));
    expect(listed).toEqual(
      expect.arrayContaining(['test/smoke.spec.ts', 'test/e2e/sample-app.e2e-spec.ts', 'test/compat/compat.spec.ts', 'test/compat/api-docs.spec.ts']),
    );
  });
});
