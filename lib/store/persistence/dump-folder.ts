import { access, constants, mkdir, opendir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Only this user reads the dumps it writes: a folder the library creates is as private as the files in it. */
const FOLDER_MODE = 0o700;

/** Creates the folder of a dump file when it is missing (with its parents, mode 0700). */
export async function createDumpFolder(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: FOLDER_MODE });
}

/**
 * Creates the folder of a dump file when it is missing and checks this process may write in it; rejects with why
 * not, with the code a write would fail with (ENOTDIR for a file in the folder's place, EACCES, EROFS).
 */
export async function prepareDumpFolder(file: string): Promise<void> {
  const folder = dirname(file);
  try {
    await (await opendir(folder)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await createDumpFolder(file);
  }
  await access(folder, constants.W_OK);
}
