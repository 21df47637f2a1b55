import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { compareText } from '../core/compare.js';
import { ChainwatchError, fail, type Result } from '../core/errors.js';
import { readZipDirectorySync, type ZipLimits } from '../core/zip.js';
import { INPUT_LIMITS, readInputText, readInputTextSync } from '../inventory/read-input.js';
import { advisoryFormatOf } from './advisory-format.js';

/**
 * Where advisory records come from, before any is parsed: which files of a
 * directory tree are records (checkouts of the advisory databases included),
 * reading one such file, and the limits and listing of an OSV export zip.
 */

/**
 * Checkouts of the advisory databases chainwatch knows, recognised by their
 * folders: only those folders hold OSV records. Everything else in such a
 * checkout (`triage/false_positives.yaml`, READMEs, tooling) is not a record
 * and is counted, not parsed.
 */
export const CHECKOUT_LAYOUTS: readonly { name: string; recordFolders: readonly string[] }[] = [
  { name: 'pypa/advisory-database', recordFolders: ['vulns'] },
  { name: 'github/advisory-database', recordFolders: ['advisories/github-reviewed', 'advisories/unreviewed'] },
];

/** Which advisory files a directory load reads, and what it leaves out. */
export interface DirectoryPlan {
  /** Advisory files to read, absolute or as given, sorted. */
  files: string[];
  /** Directories that could not be listed; non-regular files with an advisory name. */
  errors: ChainwatchError[];
  /** Regular files that are no OSV record, relative to the directory, `/`-separated, sorted: files without a .json/.yaml/.yml name, and in a known checkout everything outside its record folders. */
  notRecords: string[];
  /** The checkout layout recognised, with the record folders it has; null for a plain directory of records. */
  layout: { name: string; recordFolders: string[] } | null;
}

async function isDirectory(target: string): Promise<boolean> {
  try {
    return (await stat(target)).isDirectory();
  } catch {
    return false;
  }
}

async function detectLayout(dir: string): Promise<DirectoryPlan['layout']> {
  for (const layout of CHECKOUT_LAYOUTS) {
    const present: string[] = [];
    for (const folder of layout.recordFolders) if (await isDirectory(path.join(dir, folder))) present.push(folder);
    if (present.length > 0) return { name: layout.name, recordFolders: present };
  }
  return null;
}

/**
 * Every advisory file under `dir`, sorted; dot-files and dot-directories
 * (`.git`, `.github`) are skipped without a word. A checkout of a known
 * advisory database (CHECKOUT_LAYOUTS) is read from its record folders only.
 */
export async function planAdvisoryDirectory(dir: string): Promise<DirectoryPlan> {
  const layout = await detectLayout(dir);
  const recordRoots = layout?.recordFolders.map((folder) => path.join(dir, folder) + path.sep) ?? null;
  const insideRecordFolder = (file: string) => recordRoots === null || recordRoots.some((root) => file.startsWith(root));
  const files: string[] = [];
  const notRecords: string[] = [];
  const errors: ChainwatchError[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      errors.push(
        new ChainwatchError('unreadable-file', `cannot read directory: ${(error as Error).message}`, {
          location: { path: current },
          cause: error,
        }),
      );
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (advisoryFormatOf(entry.name) === null || !insideRecordFolder(full)) {
        if (entry.isFile()) notRecords.push(path.relative(dir, full).split(path.sep).join('/'));
      } else if (entry.isFile()) files.push(full);
      // A FIFO would block the read for ever, a device never ends; links are not followed (no loops, nothing outside the tree).
      else errors.push(new ChainwatchError('unreadable-file', `skipped: ${kindOf(entry)}, not a regular file`, { location: { path: full } }));
    }
  }
  files.sort();
  notRecords.sort(compareText);
  errors.sort((a, b) => compareText(a.location!.path, b.location!.path));
  return { files, errors, notRecords, layout };
}

function kindOf(entry: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (entry.isSymbolicLink()) return 'a symbolic link';
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isSocket()) return 'a socket';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device';
  return 'not a file';
}

/** How many files are read ahead while earlier ones are parsed. */
export const READ_AHEAD = 32;

export type ReadOutcome = { path: string; text: string } | { path: string; error: ChainwatchError };

/**
 * One advisory file's text: a regular file (opened without blocking, so a
 * FIFO that appeared after the listing fails at once), at most
 * INPUT_LIMITS.advisory bytes, valid UTF-8.
 */
export async function readAdvisoryFile(filePath: string): Promise<ReadOutcome> {
  try {
    return { path: filePath, text: await readInputText(filePath, { maxBytes: INPUT_LIMITS.advisory }) };
  } catch (error) {
    if (error instanceof ChainwatchError) return { path: filePath, error };
    return { path: filePath, error: unreadable(filePath, error).error };
  }
}

/**
 * readAdvisoryFile without the thread pool: the same checks and errors
 * (read-input.ts's sync twin). For a thread that has nothing to do while it
 * waits: four synchronous calls cost a fraction of four trips through libuv's
 * pool for a file of a few kilobytes (the 2,661 PyPA files: ~0.3 s less).
 */
export function readAdvisoryFileSync(filePath: string): ReadOutcome {
  try {
    return { path: filePath, text: readInputTextSync(filePath, { maxBytes: INPUT_LIMITS.advisory }) };
  } catch (error) {
    if (error instanceof ChainwatchError) return { path: filePath, error };
    return { path: filePath, error: unreadable(filePath, error).error };
  }
}

/** Reads files with a bounded read-ahead so disk waits overlap parsing, yielding in input order. */
export async function* readInOrder(files: readonly string[]): AsyncGenerator<ReadOutcome> {
  const inFlight: Promise<ReadOutcome>[] = [];
  let next = 0;
  const startNext = () => {
    inFlight.push(readAdvisoryFile(files[next++]!));
  };
  while (next < files.length && inFlight.length < READ_AHEAD) startNext();
  while (inFlight.length > 0) {
    const outcome = await inFlight.shift()!;
    if (next < files.length) startNext();
    yield outcome;
  }
}

export function unreadable(filePath: string, error: unknown): { ok: false; error: ChainwatchError } {
  return fail(
    new ChainwatchError('unreadable-file', `cannot read file: ${(error as Error).message}`, { location: { path: filePath }, cause: error }),
  );
}

export interface ZipEntryInfo {
  name: string;
  /** Uncompressed size as the archive declares it. */
  size: number;
}

const MiB = 1024 * 1024;

/**
 * What an OSV export zip may inflate to. A record entry is at most
 * INPUT_LIMITS.advisory, like a record file. All entries together: 1 GiB, or
 * 64 times the archive's own size when that is more (OSV's JSON deflates
 * about 4 to 8 times; deflate itself can reach about 1,000). Members must not
 * overlap (src/core/zip.ts), so every inflated byte comes from bytes of its
 * own, and an export of a million entries is still readable.
 */
export function advisoryZipLimits(archiveBytes: number): ZipLimits {
  return {
    maxMemberBytes: INPUT_LIMITS.advisory,
    maxTotalBytes: Math.max(1024 * MiB, 64 * archiveBytes),
    maxEntries: 4 * 1024 * 1024,
  };
}

/**
 * Reads a zip's central directory. A truncated or corrupt archive (no end
 * record, bad offsets) is an error value naming the archive.
 */
export function listZipEntries(bytes: Uint8Array, archiveLabel: string): Result<ZipEntryInfo[]> {
  const directory = readZipDirectorySync(bytes, archiveLabel, advisoryZipLimits(bytes.length));
  if (!directory.ok) return directory;
  return { ok: true, value: directory.value.entries.map((entry) => ({ name: entry.name, size: entry.uncompressedSize })) };
}

