import { chmod, cp, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Copies `paths` (relative to the repository root, in the same layout) into a new folder `into`/readable that
 * every user may read, and returns that folder. A test that runs code as an unprivileged user runs it from
 * there: the checkout itself may sit in a folder only its owner can read.
 */
export async function readableCopy(into: string, paths: readonly string[]): Promise<string> {
  const copy = join(into, 'readable');
  await mkdir(copy, { recursive: true });
  for (const path of paths) await cp(join(root, path), join(copy, path), { recursive: true });
  await chmod(copy, 0o755);
  for (const entry of await readdir(copy, { recursive: true, withFileTypes: true })) {
    await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
  return copy;
}
