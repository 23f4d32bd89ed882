import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DUMP_FORMAT_VERSION } from '../lib/store/persistence/dump-codec.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The sections of CHANGELOG.md by their heading (`Unreleased`, `0.1.0`, …). */
async function changelogSections(): Promise<Map<string, string>> {
  const text = await readFile(`${root}CHANGELOG.md`, 'utf8');
  const sections = new Map<string, string>();
  for (const part of text.split(/^## /m).slice(1)) {
    const [heading, ...body] = part.split('\n');
    sections.set(heading!.replace(/^\[(.*)\].*$/, '$1'), body.join('\n'));
  }
  return sections;
}

describe('CHANGELOG.md', () => {
  it('lists each dump format once, under the release that first writes it: 2 under 0.1.0, the one this code writes where it is new', async () => {
    const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { version: string };
    const sections = await changelogSections();
    const listedUnder = (format: number) =>
      [...sections].filter(([, body]) => body.includes(`Dump format version ${format}`)).map(([heading]) => heading);
    expect(listedUnder(2)).toEqual(['0.1.0']);
    // Written by this code: under the version in package.json if that release writes it, else under Unreleased.
    expect([['Unreleased'], [version]]).toContainEqual(listedUnder(DUMP_FORMAT_VERSION));
  });
});
