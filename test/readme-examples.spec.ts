import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The README's code that `npm run typecheck` compiles: each example sits between markers in a file of
 * test/types/, and the README shows it as it is there.
 */
describe('the README’s examples are the code the type tests compile', () => {
  it.each([['every callback, typed', 'test/types/readme-callbacks.types.ts']])('%s (%s)', async (_name, path) => {
    const source = await readFile(`${root}${path}`, 'utf8');
    const example = source.split('// --- from the README ---\n')[1]?.split('// --- end of the README')[0];
    expect(example).toBeTruthy();
    expect(await readFile(`${root}README.md`, 'utf8')).toContain(example!);
  });
});
