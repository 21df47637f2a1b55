import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { readZipDirectorySync, readZipMemberSync, type ZipLimits } from '../core/zip.js';
import { INPUT_LIMITS, readInputBytes, readInputText } from '../inventory/read-input.js';
import { findNodeAtLocation, parse as parseJsonTolerantly, parseTree, type ParseError } from 'jsonc-parser';
import { yamlNestingExceeds } from '../core/nesting.js';
import { LineCounter, parse as parseYaml, parseDocument, type DocumentOptions, type ParseOptions, type SchemaOptions, type ToJSOptions } from 'yaml';
import { compareText } from '../core/compare.js';
import { ChainwatchError, fail, type ErrorLocation, type Result } from '../core/errors.js';
import { silentSink, type EventSink } from '../core/events.js';
import type { AdvisoryImportSink, ImportStats } from './store.js';
import { issuePathOf, parseOsvRecord } from './osv-schema.js';
import type { OsvRecord } from './types.js';

/**
 * Loading OSV records from files: a directory tree of `.json` / `.yaml` /
 * `.yml` files (the layout of pypa/advisory-database or
 * github/advisory-database) and OSV export zips (`<ECOSYSTEM>/all.zip`: flat
 * `<ID>.json` entries). Every file is parsed and validated on its own; a bad
 * file becomes an error value naming the file (and line, where the parser
 * knows it) and never stops the rest.
 */

export interface LoadResult {
  records: OsvRecord[];
  errors: ChainwatchError[];
}

export type AdvisoryFormat = 'json' | 'yaml';

/** Which parser a file name calls for; null for files that are no advisory. */
export function advisoryFormatOf(fileName: string): AdvisoryFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return null;
}

/**
 * YAML 1.2 core schema without its number tags (the failsafe schema's maps,
 * sequences and strings, and core's null and bool): every OSV field that looks
 * numeric is a string (`versions: [1.10]` must stay "1.10", not become 1.1),
 * so plain scalars such as `1.10` or `007` are kept as written. `logLevel:
 * 'error'` keeps the library from printing warnings. Plain data, so the
 * parser threads get these very options (workerData) instead of a copy.
 */
const YAML_OPTIONS = {
  schema: 'failsafe',
  customTags: ['null', 'bool'],
  logLevel: 'error',
  prettyErrors: true, // fills in linePos on errors only
  // A repeated key keeps its last value, as PyYAML (which the PyPA database is read with) does; the
  // library's duplicate check compares every key with every other (20,000 keys: 4.5 s per record).
  uniqueKeys: false,
} as const satisfies ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions;

/** A YAML parse failure as a worker thread passes it back (the fields describeYamlFailure reads). */
type YamlFailure = { name?: unknown; message?: unknown; linePos?: readonly { line: number }[] };

/**
 * What a failed parse reports: for the library's YAMLParseError the first
 * line of its message (the rest is a pretty excerpt) and the line it names;
 * for anything else the whole message and no line. Duck-typed: a worker's
 * error arrives as its fields.
 */
function describeYamlFailure(error: unknown): { message: string; line: number | undefined } {
  const fields: YamlFailure = typeof error === 'object' && error !== null ? error : {};
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  if (fields.name !== 'YAMLParseError') return { message, line: undefined };
  return { message: (message.split('\n')[0] ?? message).replace(/:$/, ''), line: fields.linePos?.[0]?.line };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** The line of the deepest existing node on `issuePath` (the failing field, or its parent when the field is missing). */
function jsonLineOf(text: string, issuePath: readonly PropertyKey[]): number | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  const segments = issuePath.filter((segment): segment is string | number => typeof segment !== 'symbol');
  for (let length = segments.length; length >= 0; length--) {
    const node = findNodeAtLocation(tree, segments.slice(0, length));
    if (node) return lineAt(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
  }
  return undefined;
}

function yamlLineOf(text: string, issuePath: readonly PropertyKey[]): number | undefined {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  const segments = issuePath.filter((segment): segment is string | number => typeof segment !== 'symbol');
  for (let length = segments.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(segments.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

function locationOf(filePath: string, line: number | undefined): ErrorLocation {
  return line === undefined ? { path: filePath } : { path: filePath, line };
}

function syntaxError(message: string, location: ErrorLocation, cause?: unknown): { ok: false; error: ChainwatchError } {
  return fail(new ChainwatchError('parse-error', message, { location, cause }));
}

/**
 * V8's JSON.parse messages name a position only for some errors, so the
 * line of a syntax error comes from a second, error-collecting parse (paid
 * only by broken files).
 */
function jsonErrorLine(text: string): number | undefined {
  const errors: ParseError[] = [];
  parseJsonTolerantly(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  return first === undefined ? undefined : lineAt(text, first.offset);
}

/** First stage: text → JSON value. Syntax errors carry the parser's line. */
/**
 * YAML text nested deeper than this never reaches the parser (core/nesting.ts
 * says why): far above the few levels an OSV record has, and the estimate
 * errs high, so MAX_RECORD_DEPTH still decides for real records.
 */
const MAX_YAML_TEXT_NESTING = 256;

function parseSyntax(text: string, format: AdvisoryFormat, filePath: string): Result<unknown> {
  if (format === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      const message = (error as Error).message;
      const line = jsonErrorLine(text);
      return syntaxError(`invalid JSON: ${message.replace(/\s+/g, ' ')}`, locationOf(filePath, line), error);
    }
  }
  const tooDeep = yamlNestingExceeds(text, MAX_YAML_TEXT_NESTING);
  if (tooDeep !== null) return syntaxError(`invalid YAML: nested deeper than ${MAX_YAML_TEXT_NESTING} levels`, locationOf(filePath, tooDeep));
  try {
    return { ok: true, value: parseYaml(text, YAML_OPTIONS) };
  } catch (error) {
    const { message, line } = describeYamlFailure(error);
    return syntaxError(`invalid YAML: ${message}`, locationOf(filePath, line), error);
  }
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Second stage: JSON value → OsvRecord. Only failures pay for finding the
 * line: a second, position-keeping parse of `text`.
 */
function validateParsed(value: unknown, text: () => string | null, format: AdvisoryFormat, filePath: string): Result<OsvRecord> {
  const result = parseOsvRecord(value, { path: filePath });
  if (result.ok) return result;
  const issuePath = issuePathOf(result.error);
  const source = issuePath === null ? null : text();
  if (issuePath === null || source === null) return result;
  const line = format === 'json' ? jsonLineOf(source, issuePath) : yamlLineOf(source, issuePath);
  if (line === undefined) return result;
  return fail(
    new ChainwatchError(result.error.code, result.error.message, { location: { path: filePath, line }, cause: result.error.cause }),
  );
}

/**
 * Parses and validates one advisory file's text. `filePath` is only used to
 * name the file in errors (for zip entries: `all.zip!/ID.json`).
 */
export function parseAdvisoryText(text: string, format: AdvisoryFormat, filePath: string): Result<OsvRecord> {
  const source = withoutBom(text);
  return guardStack(filePath, () => {
    const syntax = parseSyntax(source, format, filePath);
    if (!syntax.ok) return syntax;
    return validateParsed(syntax.value, () => source, format, filePath);
  });
}

/**
 * The last line of defence for "one bad file never stops the rest": records
 * nested too deeply are refused by parseOsvRecord, but a parser that recurses
 * on some other shape of input must still cost only that file.
 */
function guardStack(filePath: string, work: () => Result<OsvRecord>): Result<OsvRecord> {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return fail(new ChainwatchError('invalid-advisory', `cannot be read: ${error.message}`, { location: { path: filePath }, cause: error }));
  }
}

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
const READ_AHEAD = 32;

type ReadOutcome = { path: string; text: string } | { path: string; error: ChainwatchError };

/**
 * One advisory file's text: a regular file (opened without blocking, so a
 * FIFO that appeared after the listing fails at once), at most
 * INPUT_LIMITS.advisory bytes, valid UTF-8.
 */
async function readAdvisoryFile(filePath: string): Promise<ReadOutcome> {
  try {
    return { path: filePath, text: await readInputText(filePath, { maxBytes: INPUT_LIMITS.advisory }) };
  } catch (error) {
    if (error instanceof ChainwatchError) return { path: filePath, error };
    return { path: filePath, error: unreadable(filePath, error).error };
  }
}

/** Reads files with a bounded read-ahead so disk waits overlap parsing, yielding in input order. */
async function* readInOrder(files: readonly string[]): AsyncGenerator<ReadOutcome> {
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

export interface DirectoryLoadOptions {
  /**
   * Threads parsing files in parallel. Default: one per CPU beyond the
   * calling thread (at most 8; none on machines with fewer than four CPUs).
   * 0 or 1 parses on the calling thread. Small trees (fewer than
   * PARALLEL_THRESHOLD files) are always parsed on the calling thread: starting
   * workers costs more than it saves there.
   */
  workers?: number;
}

export const PARALLEL_THRESHOLD = 256;

/**
 * One thread per CPU beyond the calling one (at most 8), and none below four
 * CPUs: measured on two, the threads' start-up and hand-over cost more than
 * the parallel parsing won.
 */
function defaultWorkerCount(): number {
  const cpus = availableParallelism();
  return cpus < 4 ? 0 : Math.min(cpus - 1, 8);
}

function unreadable(filePath: string, error: unknown): { ok: false; error: ChainwatchError } {
  return fail(
    new ChainwatchError('unreadable-file', `cannot read file: ${(error as Error).message}`, { location: { path: filePath }, cause: error }),
  );
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
  const workers = Math.max(0, Math.floor(options.workers ?? defaultWorkerCount()));
  if (workers > 1 && files.length >= PARALLEL_THRESHOLD) {
    yield* parseInWorkers(files, workers);
    return;
  }
  for await (const outcome of readInOrder(files)) {
    if ('error' in outcome) yield fail(outcome.error);
    else yield parseAdvisoryText(outcome.text, advisoryFormatOf(outcome.path)!, outcome.path);
  }
}

/**
 * The YAML stage of parseAdvisoryText, for worker threads. YAML parsing is
 * what a directory load spends its time on (the PyPA tree: ~0.4 ms per file,
 * schema validation ~0.03 ms), so workers parse while the calling thread
 * reads (bounded, regular files only: readAdvisoryFile) and validates. It is
 * source text because load.ts must work both from TypeScript sources (tests)
 * and the bundle (dist/cli), where no module file beside this one exists. It
 * only moves data: the options are YAML_OPTIONS themselves (workerData), and
 * a failure comes back as its fields for describeYamlFailure, so parseSyntax()
 * and the workers read and report YAML the same way. A value too deep to pass
 * back as JSON is handed back undecided: the calling thread then parses that
 * file itself, so both paths give the same answer.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { parse } = require(workerData.yamlPath);
function parseOne(task) {
  let value;
  try {
    value = parse(task.text, workerData.options);
  } catch (error) {
    const fields = typeof error === 'object' && error !== null ? error : {};
    const linePos = Array.isArray(fields.linePos) ? fields.linePos.map((position) => ({ line: position.line })) : undefined;
    return { index: task.index, failure: { name: fields.name, message: typeof fields.message === 'string' ? fields.message : String(error), linePos } };
  }
  try {
    return { index: task.index, json: JSON.stringify(value) };
  } catch {
    return { index: task.index, undecided: true };
  }
}
parentPort.on('message', (tasks) => parentPort.postMessage(tasks.map(parseOne)));
`;

type WorkerTask = { index: number; text: string };
type WorkerOutcome =
  | { index: number; json: string }
  | { index: number; undecided: true }
  | { index: number; failure: YamlFailure };

const TASKS_PER_MESSAGE = 16;

/**
 * Reads `files` on the calling thread, parses the YAML ones on `count`
 * worker threads, validates here, and yields results in path order. At most
 * a few batches per worker are read ahead of the result being yielded.
 */
async function* parseInWorkers(files: readonly string[], count: number): AsyncGenerator<Result<OsvRecord>> {
  const require = createRequire(import.meta.url);
  const workerData = { yamlPath: require.resolve('yaml'), options: YAML_OPTIONS };
  const pool = Array.from({ length: Math.min(count, Math.ceil(files.length / TASKS_PER_MESSAGE)) }, () => new Worker(WORKER_SOURCE, { eval: true, workerData }));
  const outstanding = pool.map(() => 0);
  const parsed = new Map<number, WorkerOutcome>();
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  let finished = false;
  pool.forEach((worker, slot) => {
    worker.on('message', (outcomes: WorkerOutcome[]) => {
      outstanding[slot]! -= outcomes.length;
      for (const outcome of outcomes) parsed.set(outcome.index, outcome);
      wake?.();
    });
    worker.on('error', (error) => {
      failure ??= error;
      wake?.();
    });
    worker.on('exit', (code) => {
      if (finished) return;
      failure ??= new Error(`advisory parser thread stopped early (exit code ${code})`);
      wake?.();
    });
  });

  /** Files handed to a worker, kept for validation messages (line lookup) and undecided answers. */
  const sent = new Map<number, { path: string; text: string }>();
  /** Results decided on this thread (read failures, JSON files), waiting for their turn. */
  const decided = new Map<number, Result<OsvRecord>>();
  let batch: WorkerTask[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    let slot = 0;
    for (let other = 1; other < pool.length; other++) if (outstanding[other]! < outstanding[slot]!) slot = other;
    outstanding[slot]! += batch.length;
    pool[slot]!.postMessage(batch);
    batch = [];
  };
  const settle = (index: number): Result<OsvRecord> | null => {
    const local = decided.get(index);
    if (local) {
      decided.delete(index);
      return local;
    }
    const outcome = parsed.get(index);
    if (!outcome) return null;
    parsed.delete(index);
    const file = sent.get(index)!;
    sent.delete(index);
    if ('json' in outcome) return guardStack(file.path, () => validateParsed(JSON.parse(outcome.json), () => file.text, 'yaml', file.path));
    if ('undecided' in outcome) return parseAdvisoryText(file.text, 'yaml', file.path);
    const { message, line } = describeYamlFailure(outcome.failure);
    return syntaxError(`invalid YAML: ${message}`, locationOf(file.path, line));
  };
  const waitForWorkers = async () => {
    if (failure !== null) throw failure;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    if (failure !== null) throw failure;
  };

  const window = pool.length * TASKS_PER_MESSAGE * 4;
  let read = 0;
  let yielded = 0;
  try {
    for await (const outcome of readInOrder(files)) {
      const index = read++;
      if ('error' in outcome) decided.set(index, fail(outcome.error));
      // JSON is parsed on this thread: JSON.parse is as cheap as passing its result over.
      else if (advisoryFormatOf(outcome.path) === 'json') decided.set(index, parseAdvisoryText(outcome.text, 'json', outcome.path));
      // Too deep for the parser: refused here, so a worker never meets it.
      else if (yamlNestingExceeds(outcome.text, MAX_YAML_TEXT_NESTING) !== null) decided.set(index, parseAdvisoryText(outcome.text, 'yaml', outcome.path));
      else {
        sent.set(index, outcome);
        batch.push({ index, text: outcome.text });
        if (batch.length >= TASKS_PER_MESSAGE) flush();
      }
      for (let result = settle(yielded); result !== null; result = settle(yielded)) {
        yielded++;
        yield result;
      }
      while (read - yielded >= window) {
        flush();
        const result = settle(yielded);
        if (result === null) await waitForWorkers();
        else {
          yielded++;
          yield result;
        }
      }
    }
    flush();
    while (yielded < read) {
      const result = settle(yielded);
      if (result === null) await waitForWorkers();
      else {
        yielded++;
        yield result;
      }
    }
  } finally {
    finished = true;
    await Promise.all(pool.map((worker) => worker.terminate()));
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
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const entry of directory.value.entries) {
    const format = advisoryFormatOf(entry.name);
    if (format === null) continue;
    const entryLabel = `${archiveLabel}!/${entry.name}`;
    const data = readZipMemberSync(bytes, directory.value, entry, archiveLabel, limits);
    if (!data.ok) {
      yield data;
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(data.value);
    } catch (error) {
      yield fail(new ChainwatchError('parse-error', 'entry is not UTF-8 text', { location: { path: entryLabel }, cause: error }));
      continue;
    }
    yield parseAdvisoryText(text, format, entryLabel);
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
  const progress = (done: number, total: number) => {
    if (done % PROGRESS_EVERY === 0 || done === total) events.emit({ type: 'progress', task: 'import', done, total, detail: source.path });
  };
  if (source.kind === 'directory') {
    const plan = await planAdvisoryDirectory(source.path);
    for (const error of plan.errors) errors.push(error);
    const total = plan.files.length;
    const workers = options.workers;
    async function* validRecords(): AsyncGenerator<OsvRecord> {
      let done = 0;
      progress(0, total);
      for await (const result of iterateAdvisoryFiles(plan.files, workers === undefined ? {} : { workers })) {
        progress(++done, total);
        if (result.ok) {
          loaded++;
          yield result.value;
        } else errors.push(result.error);
      }
    }
    const stats = await store.importRecordStream(validRecords(), { source: sourceName });
    return { ...stats, loaded, errors, notRecords: plan.notRecords, layout: plan.layout };
  }
  const bytes = await readArchive(source.path);
  if (!bytes.ok) return { imported: 0, skipped: 0, loaded, errors: [bytes.error], notRecords: [], layout: null };
  const zip = bytes.value;
  const entries = listZipEntries(zip, source.path);
  const total = entries.ok ? entries.value.filter((entry) => advisoryFormatOf(entry.name) !== null).length : 0;
  // Streamed straight into the transaction: the zip's records are never all in memory at once.
  function* validRecords(): Generator<OsvRecord> {
    let done = 0;
    for (const result of iterateAdvisoryZipBytes(zip, source.path)) {
      progress(++done, Math.max(total, done));
      if (result.ok) {
        loaded++;
        yield result.value;
      } else errors.push(result.error);
    }
  }
  const stats = store.importRecords(validRecords(), { source: sourceName });
  return { ...stats, loaded, errors, notRecords: [], layout: null };
}
