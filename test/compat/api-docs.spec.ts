import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../support/temp-dir.js';
import { run } from './compat-app.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the API reference', () => {
  it('builds with TypeDoc, every public symbol documented (a warning fails the build)', async () => {
    const { dir, remove } = await makeTempDir('ncw-docs-');
    try {
      await run('npx', ['typedoc', '--out', dir], root);
      const index = await readFile(join(dir, 'index.html'), 'utf8');
      for (const entryPoint of ['nest-cache-worker', 'nest-cache-worker/health', 'nest-cache-worker/metrics', 'nest-cache-worker/board', 'nest-cache-worker/otel']) {
        expect(index).toContain(entryPoint);
      }
    } finally {
      await remove();
    }
  });
});
