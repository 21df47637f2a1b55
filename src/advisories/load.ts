import { ChainwatchError, fail, type Result } from '../core/errors.js';
import { readZipDirectorySync, readZipMemberSync } from '../core/zip.js';
import { INPUT_LIMITS, readInputBytes } from '../inventory/read-input.js';
import { advisoryFormatOf } from './advisory-format.js';
import { advisoryZipLimits, planAdvisoryDirectory, readInOrder, unreadable } from './advisory-sources.js';
import { advisoryFromZipMember, parseAdvisoryText } from './advisory-text.js';
import { prepareAdvisoryFiles } from './import.js';
import { threadsFor } from './import-pool.js';
import { jsonTextOf } from './prepared.js';
import type { OsvRecord } from './types.js';

/**
 * Loading OSV records from files into memory: a directory tree of `.json` /
 * `.yaml` / `.yml` files (the layout of pypa/advisory-database or
 * github/advisory-database) and OSV export zips (`<ECOSYSTEM>/all.zip`: flat
 * `<ID>.json` entries). Every file is parsed and validated on its own; a bad
 * file becomes an error value naming the file (and line, where the parser
 * knows it) and never stops the rest. `db import` streams into the store
 * instead (import.ts); this module re-exports its entry point.
 */

export { advisoryFormatOf, type AdvisoryFormat } from './advisory-format.js';
export { CHECKOUT_LAYOUTS, advisoryZipLimits, listZipEntries, planAdvisoryDirectory, type DirectoryPlan, type ZipEntryInfo } from './advisory-sources.js';
export { parseAdvisoryText } from './advisory-text.js';
export { importAdvisories, type AdvisorySource, type ImportAdvisoriesOptions, type ImportAdvisoriesResult } from './import.js';
export { PARALLEL_THRESHOLD } from './import-pool.js';

export interface LoadResult {
  records: OsvRecord[];
  errors: ChainwatchError[];
}

export interface DirectoryLoadOptions {
  /**
   * Threads reading and parsing files in parallel. Default: one per CPU (at
   * most 8) for trees of DEFAULT_PARALLEL_INPUTS files or more. 0 or 1
   * parses on the calling thread. Small trees (fewer than PARALLEL_THRESHOLD
   * files) are always parsed on the calling thread: starting workers costs
   * more than it saves there.
   */
  workers?: number;
}

/**
 * Streams the records of a directory tree, one result per advisory file, in
 * path order. Errors listing the tree come first.
 */
export async function* iterateAdvisoryDirectory(dir: string, options: DirectoryLoadOptions = {}): AsyncGenerator<Result<OsvRecord>> {
  const { files, errors } = await planAdvisoryDirectory(dir);
  for (const error of errors) yield fail(error);
  yield* iterateAdvisoryFiles(files, options);
}

/** One result per file of a plan, in the order given: parsed on worker threads when there are enough files and threads. */
async function* iterateAdvisoryFiles(files: readonly string[], options: DirectoryLoadOptions): AsyncGenerator<Result<OsvRecord>> {
  const workers = threadsFor(files.length, options.workers);
  if (workers > 0) {
    // The threads hand back the stored form; its JSON is the record.
    for await (const batch of prepareAdvisoryFiles(files, workers)) {
      for (const result of batch) yield result.ok ? { ok: true, value: JSON.parse(jsonTextOf(result.value)) as OsvRecord } : result;
    }
    return;
  }
  for await (const outcome of readInOrder(files)) {
    if ('error' in outcome) yield fail(outcome.error);
    else yield parseAdvisoryText(outcome.text, advisoryFormatOf(outcome.path)!, outcome.path);
  }
}

/** Loads every `.json` / `.yaml` / `.yml` OSV record under `dir`. */
export async function loadAdvisoryDirectory(dir: string, options: DirectoryLoadOptions = {}): Promise<LoadResult> {
  const records: OsvRecord[] = [];
  const errors: ChainwatchError[] = [];
  for await (const result of iterateAdvisoryDirectory(dir, options)) {
    if (result.ok) records.push(result.value);
    else errors.push(result.error);
  }
  return { records, errors };
}

/**
 * Streams the advisories of an in-memory OSV export zip: one entry is inflated
 * at a time (node:zlib), so a 200k-record export never sits in memory
 * uncompressed. Errors name `<archiveLabel>!/<entry>`; one bad entry never
 * stops the rest. Synchronous on purpose: it can feed
 * AdvisoryStore.importRecords inside one transaction.
 */
export function* iterateAdvisoryZipBytes(bytes: Uint8Array, archiveLabel: string): Generator<Result<OsvRecord>> {
  const limits = advisoryZipLimits(bytes.length);
  const directory = readZipDirectorySync(bytes, archiveLabel, limits);
  if (!directory.ok) {
    yield directory;
    return;
  }
  for (const entry of directory.value.entries) {
    const format = advisoryFormatOf(entry.name);
    if (format === null) continue;
    yield advisoryFromZipMember(readZipMemberSync(bytes, directory.value, entry, archiveLabel, limits), format, `${archiveLabel}!/${entry.name}`);
  }
}

/** An export zip from disk: a regular file (never a FIFO or device) of at most INPUT_LIMITS.advisoryArchive bytes. */
async function readArchive(file: string): Promise<Result<Uint8Array>> {
  try {
    return { ok: true, value: await readInputBytes(file, { maxBytes: INPUT_LIMITS.advisoryArchive }) };
  } catch (error) {
    if (error instanceof ChainwatchError) return fail(error);
    return unreadable(file, error);
  }
}

/** Loads an OSV export zip from disk (entries named `<ID>.json`; `.yaml` entries are read too). */
export async function loadAdvisoryZip(file: string): Promise<LoadResult> {
  const records: OsvRecord[] = [];
  const errors: ChainwatchError[] = [];
  const bytes = await readArchive(file);
  if (!bytes.ok) return { records, errors: [bytes.error] };
  for (const result of iterateAdvisoryZipBytes(bytes.value, file)) {
    if (result.ok) records.push(result.value);
    else errors.push(result.error);
  }
  return { records, errors };
}
