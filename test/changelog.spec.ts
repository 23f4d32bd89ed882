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
  it('lists the dump format this version writes under the version in package.json, not under Unreleased', async () => {
    const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { version: string };
    const sections = await changelogSections();
    const mention = `Dump format version ${DUMP_FORMAT_VERSION}`;
    expect({ released: sections.get(version)?.includes(mention) }).toEqual({ released: true });
    expect({ unreleased: sections.get('Unreleased')?.includes(mention) }).toEqual({ unreleased: false });
  });
});
