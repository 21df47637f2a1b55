import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ChainwatchError, fail, type Result } from '../core/errors.js';
import { silentSink, type EventSink } from '../core/events.js';
import { inflateMember, localHeaderVariableBytes, readZipDirectory, type ByteSource, type ZipDirectory, type ZipEntry, type ZipLimits } from '../core/zip.js';
import { INPUT_LIMITS, openInputFile, readInputBytes } from '../inventory/read-input.js';
import { advisoryFormatOf, type AdvisoryFormat } from './advisory-format.js';
import type * as AdvisoryText from './advisory-text.js';
import { advisoryZipLimits, listZipEntries, planAdvisoryDirectory, readAdvisoryFile, unreadable, type DirectoryPlan } from './advisory-sources.js';
import { inOrder, startTaskRunner, threadsFor } from './import-pool.js';
import type { ImportOutcome, ImportTask, ZipMemberTask } from './import-tasks.js';
import { prepareRecord, type PreparedRecord } from './prepared.js';
import type { AdvisoryImportSink, ImportStats } from './store.js';

/**
 * `db import` (and `scan --advisories`): a directory tree or an export zip
 * into the store, in one transaction, at the speed of the database.
 *
 * The calling thread holds the transaction and writes; worker threads (one
 * per CPU, import-pool.ts) read, inflate, parse, validate and serialise
 * (import-tasks.ts), and hand back records ready to write. A zip is streamed
 * from disk: its central directory first, then runs of adjacent members, one
 * read each, their bytes moved to a thread; it never sits in memory whole.
 * Results come back in input order, so the store sees exactly the sequence a
 * one-thread import would, and an input that fails anywhere is read again on
 * this thread through the reference path (advisory-text.ts, loaded only
 * then), so every error is the one a one-thread import would give.
 */

/** Files per task: enough to amortise a message, few enough to spread over threads. */
const FILES_PER_TASK = 16;
/** Zip bytes per task (compressed) and members at most. */
const ZIP_TASK_BYTES = 1024 * 1024;
const ZIP_TASK_MEMBERS = 512;
/** Tasks in flight per thread: enough that none waits for the next. */
const TASKS_PER_THREAD = 4;

type ReferencePath = typeof AdvisoryText;
let referencePath: Promise<ReferencePath> | null = null;
function loadReferencePath(): Promise<ReferencePath> {
  referencePath ??= import('./advisory-text.js');
  return referencePath;
}

/** Outcomes → results, each `redo` replaced by the reference path's answer for that input. */
async function* settle(outcomes: AsyncIterable<ImportOutcome[]>, redo: (index: number) => Promise<Result<PreparedRecord>>): AsyncGenerator<Result<PreparedRecord>[]> {
  for await (const batch of outcomes) {
    const results: Result<PreparedRecord>[] = [];
    for (const outcome of batch) results.push('record' in outcome ? { ok: true, value: outcome.record } : await redo(outcome.index));
    yield results;
  }
}

/**
 * One result per file, in the order given, in batches: read and parsed on
 * `workers` threads (default: one per CPU) when there are enough files.
 */
export async function* prepareAdvisoryFiles(files: readonly string[], workers?: number): AsyncGenerator<Result<PreparedRecord>[]> {
  const runner = startTaskRunner(threadsFor(files.length, workers));
  async function* tasks(): AsyncGenerator<{ task: ImportTask }> {
    for (let start = 0; start < files.length; start += FILES_PER_TASK) {
      yield { task: { kind: 'files', files: files.slice(start, start + FILES_PER_TASK).map((file, offset) => ({ index: start + offset, path: file })) } };
    }
  }
  const redo = async (index: number): Promise<Result<PreparedRecord>> => {
    const { parseAdvisoryText } = await loadReferencePath();
    const read = await readAdvisoryFile(files[index]!);
    const result = 'error' in read ? fail(read.error) : parseAdvisoryText(read.text, advisoryFormatOf(read.path)!, read.path);
    return result.ok ? { ok: true, value: prepareRecord(result.value) } : result;
  };
  try {
    yield* settle(inOrder(runner, tasks(), TASKS_PER_THREAD * Math.max(1, threadsFor(files.length, workers))), redo);
  } finally {
    await runner.close();
  }
}

function format(entry: ZipEntry): AdvisoryFormat {
  return advisoryFormatOf(entry.name)!;
}

/** A zip's layout is not what its directory promised (members overlap once their local headers are read): the whole archive is refused. */
class ArchiveRefused extends Error {}

/** Reads `[start, end)` of the file whole (a short read only at the end of the file). */
async function readRange(handle: FileHandle, start: number, end: number): Promise<Uint8Array> {
  const bytes = Buffer.allocUnsafeSlow(Math.max(0, end - start));
  let filled = 0;
  while (filled < bytes.length) {
    const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === bytes.length ? bytes : bytes.subarray(0, filled);
}

interface OpenArchive {
  handle: FileHandle;
  directory: ZipDirectory;
  limits: ZipLimits;
  /** Where each member's bytes end (by position in `directory.entries`): the next member's local header, or the central directory. */
  memberEnd: Float64Array;
}

/** Compact on purpose: an export has 200k+ members, and this lives through the whole import. */
function memberEnds(directory: ZipDirectory): Float64Array {
  const entries = directory.entries;
  const byOffset = Uint32Array.from(entries.keys()).sort((a, b) => entries[a]!.localHeaderOffset - entries[b]!.localHeaderOffset);
  const ends = new Float64Array(entries.length);
  for (let rank = 0; rank < byOffset.length; rank++) {
    const next = byOffset[rank + 1];
    ends[byOffset[rank]!] = next === undefined ? directory.centralDirectoryOffset : entries[next]!.localHeaderOffset;
  }
  return ends;
}

/**
 * The export's members as tasks, in central directory order: runs of members
 * that follow each other in the file, read with one read each. Every
 * member's local header is checked against its neighbours here (what
 * readZipDirectorySync checks up front with the archive in memory); a member
 * reaching into the next refuses the archive.
 */
async function* zipTasks(archive: OpenArchive, archiveLabel: string): AsyncGenerator<{ task: ImportTask; transfer: ArrayBuffer[] }> {
  const { handle, directory, limits, memberEnd } = archive;
  let run: number[] = [];
  let runBytes = 0;
  let resultIndex = 0;
  const flush = async (): Promise<{ task: ImportTask; transfer: ArrayBuffer[] } | null> => {
    if (run.length === 0) return null;
    const start = directory.entries[run[0]!]!.localHeaderOffset;
    const bytes = await readRange(handle, start, memberEnd[run.at(-1)!]!);
    const members: ZipMemberTask[] = [];
    for (const position of run) {
      const entry = directory.entries[position]!;
      const at = entry.localHeaderOffset - start;
      const end = memberEnd[position]!;
      if (entry.localHeaderOffset + 30 + localHeaderVariableBytes(bytes, at) + entry.compressedSize > end) throw new ArchiveRefused();
      const format = advisoryFormatOf(entry.name);
      if (format !== null) members.push({ index: resultIndex++, entry, format, start: at, end: end - start });
    }
    run = [];
    runBytes = 0;
    return { task: { kind: 'zip', archiveLabel, maxMemberBytes: limits.maxMemberBytes, bytes, members }, transfer: [bytes.buffer as ArrayBuffer] };
  };
  for (let position = 0; position < directory.entries.length; position++) {
    const entry = directory.entries[position]!;
    const span = memberEnd[position]! - entry.localHeaderOffset;
    const last = run.at(-1);
    const adjacent = last !== undefined && memberEnd[last] === entry.localHeaderOffset;
    if (run.length > 0 && (!adjacent || runBytes + span > ZIP_TASK_BYTES || run.length >= ZIP_TASK_MEMBERS)) {
      const task = await flush();
      if (task) yield task;
    }
    run.push(position);
    runBytes += span;
  }
  const task = await flush();
  if (task) yield task;
}

/**
 * One result per record entry of an export zip on disk (entries whose name is
 * no advisory are skipped), in central directory order, in batches. Throws
 * ArchiveRefused when the members' local headers contradict the directory.
 */
async function* prepareZipMembers(archive: OpenArchive, archiveLabel: string, records: number, workers: number | undefined): AsyncGenerator<Result<PreparedRecord>[]> {
  const threads = threadsFor(records, workers);
  const runner = startTaskRunner(threads);
  // Result index → position in the directory; only failures look it up.
  const positions = new Uint32Array(records);
  let recordCount = 0;
  archive.directory.entries.forEach((entry, position) => {
    if (advisoryFormatOf(entry.name) !== null) positions[recordCount++] = position;
  });
  const redo = async (index: number): Promise<Result<PreparedRecord>> => {
    const { advisoryFromZipMember } = await loadReferencePath();
    const position = positions[index]!;
    const entry = archive.directory.entries[position]!;
    const bytes = await readRange(archive.handle, entry.localHeaderOffset, archive.memberEnd[position]!);
    const where = `${archiveLabel}!/${entry.name}`;
    const result = advisoryFromZipMember(inflateMember(bytes, entry, where, archive.limits.maxMemberBytes), format(entry), where);
    return result.ok ? { ok: true, value: prepareRecord(result.value) } : result;
  };
  try {
    yield* settle(inOrder(runner, zipTasks(archive, archiveLabel), TASKS_PER_THREAD * Math.max(1, threads)), redo);
  } finally {
    await runner.close();
  }
}

/** Why an export zip cannot be read at all, as reading it whole into memory and listing it reports it (the one-thread way). */
async function refusal(file: string): Promise<ChainwatchError> {
  let bytes: Uint8Array;
  try {
    bytes = await readInputBytes(file, { maxBytes: INPUT_LIMITS.advisoryArchive });
  } catch (error) {
    return error instanceof ChainwatchError ? error : unreadable(file, error).error;
  }
  const listing = listZipEntries(bytes, file);
  if (listing.ok) throw new Error(`${file}: the archive was refused while streaming but lists cleanly`);
  return listing.error;
}

/** Opens an export zip and reads its central directory; an archive that cannot be read is the error a whole read would give. */
async function openArchive(file: string): Promise<Result<OpenArchive>> {
  let opened: { handle: FileHandle; size: number };
  try {
    opened = await openInputFile(file, { maxBytes: INPUT_LIMITS.advisoryArchive });
  } catch (error) {
    return fail(error instanceof ChainwatchError ? error : unreadable(file, error).error);
  }
  const { handle, size } = opened;
  try {
    const source: ByteSource = { size, read: (start, end) => readRange(handle, start, end) };
    const limits = advisoryZipLimits(size);
    const directory = await readZipDirectory(source, file, limits);
    if (directory.ok) return { ok: true, value: { handle, directory: directory.value, limits, memberEnd: memberEnds(directory.value) } };
  } catch {
    // A failed read: the whole read below says how.
  }
  await handle.close();
  return fail(await refusal(file));
}

export type AdvisorySource = { kind: 'directory' | 'zip'; path: string };

export interface ImportAdvisoriesResult extends ImportStats {
  /** Records read and validated from the source. */
  loaded: number;
  errors: ChainwatchError[];
  /** Files of a directory that are no OSV record (DirectoryPlan.notRecords): skipped, counted, never errors. */
  notRecords: string[];
  /** The checkout layout a directory was read as (DirectoryPlan.layout); null for zips and plain directories. */
  layout: DirectoryPlan['layout'];
}

export interface ImportAdvisoriesOptions {
  /** The source the records join (default `local:<absolute path>`). */
  sourceName?: string;
  /** Progress (`task: 'import'`, files or zip entries done of total), every PROGRESS_EVERY and at the end. */
  events?: EventSink;
  /** Threads reading and parsing (default: one per CPU, at most 8, from DEFAULT_PARALLEL_INPUTS inputs); 0 or 1: all on the calling thread. */
  workers?: number;
}

const PROGRESS_EVERY = 250;

/**
 * The CLI's entry point for `db import`: loads a directory tree or an export
 * zip and imports every valid record in one transaction, streamed (records
 * go into the open transaction as they are read, so a 300,000-file checkout
 * never sits in memory). Bad files are reported in `errors`; they never stop
 * the import. Records are tagged with `options.sourceName` (default
 * `local:<absolute path>`).
 */
export async function importAdvisories(store: AdvisoryImportSink, source: AdvisorySource, options: ImportAdvisoriesOptions = {}): Promise<ImportAdvisoriesResult> {
  const sourceName = options.sourceName ?? `local:${path.resolve(source.path)}`;
  const events = options.events ?? silentSink;
  const errors: ChainwatchError[] = [];
  let loaded = 0;
  let done = 0;
  const progress = (total: number) => {
    if (done % PROGRESS_EVERY === 0 || done === total) events.emit({ type: 'progress', task: 'import', done, total, detail: source.path });
  };
  async function* valid(results: AsyncIterable<Result<PreparedRecord>[]>, total: number): AsyncGenerator<PreparedRecord[]> {
    for await (const batch of results) {
      const records: PreparedRecord[] = [];
      for (const result of batch) {
        done++;
        progress(Math.max(total, done));
        if (result.ok) records.push(result.value);
        else errors.push(result.error);
      }
      loaded += records.length;
      yield records;
    }
  }
  if (source.kind === 'directory') {
    const plan = await planAdvisoryDirectory(source.path);
    errors.push(...plan.errors);
    progress(plan.files.length);
    const stats = await store.importPreparedBatches(valid(prepareAdvisoryFiles(plan.files, options.workers), plan.files.length), { source: sourceName });
    return { ...stats, loaded, errors, notRecords: plan.notRecords, layout: plan.layout };
  }
  const archive = await openArchive(source.path);
  if (!archive.ok) return { imported: 0, skipped: 0, loaded: 0, errors: [archive.error], notRecords: [], layout: null };
  const total = archive.value.directory.entries.filter((entry) => advisoryFormatOf(entry.name) !== null).length;
  try {
    const stats = await store.importPreparedBatches(valid(prepareZipMembers(archive.value, source.path, total, options.workers), total), { source: sourceName });
    return { ...stats, loaded, errors, notRecords: [], layout: null };
  } catch (error) {
    // Nothing was written (the transaction rolled back): the archive is refused as a whole, as before reading any member.
    if (error instanceof ArchiveRefused) return { imported: 0, skipped: 0, loaded: 0, errors: [await refusal(source.path)], notRecords: [], layout: null };
    throw error;
  } finally {
    await archive.value.handle.close();
  }
}
