import { rm, rename, writeFile } from 'node:fs/promises';

/**
 * Writes `text` to `path` whole or not at all: into a temporary file beside
 * it, then renamed over it, so a reader (a web server publishing the report,
 * the next step of a workflow) never sees half a file, and a failed write
 * leaves what was there before.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.chainwatch-${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
