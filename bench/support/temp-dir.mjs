import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `work` with a fresh folder under the system's temporary folder, removed afterwards.
 * @template T
 * @param {(dir: string) => Promise<T>} work
 */
export async function withTempDir(work) {
  const dir = await mkdtemp(join(tmpdir(), 'ncw-bench-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
