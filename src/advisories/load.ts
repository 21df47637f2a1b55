import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { readZipDirectorySync, readZipMemberSync } from '../core/zip.js';
import { findNodeAtLocation, parse as parseJsonTolerantly, parseTree, type ParseError } from 'jsonc-parser';
import { LineCounter, parse as parseYaml, parseDocument, YAMLParseError, type DocumentOptions, type ParseOptions, type SchemaOptions, type ToJSOptions } from 'yaml';
import { ChainwatchError, fail, type ErrorLocation, type Result } from '../core/errors.js';
import type { AdvisoryStore, ImportStats } from '../store/types.js';
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

/** The YAML tags dropped from the core schema (see YAML_OPTIONS). */
const NUMBER_TAG = /(?:^|:)(?:int|float)/;

/**
 * YAML 1.2 core schema without its number tags: every OSV field that looks
 * numeric is a string (`versions: [1.10]` must stay "1.10", not become 1.1),
 * so plain scalars such as `1.10` or `007` are kept as written. `logLevel:
 * 'error'` keeps the library from printing warnings.
 */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions = {
  schema: 'core',
  customTags: (tags) => tags.filter((tag) => !NUMBER_TAG.test(typeof tag === 'string' ? tag : tag.tag)),
  logLevel: 'error',
  prettyErrors: true, // fills in linePos on errors only
  uniqueKeys: true,
};

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
  try {
    return { ok: true, value: parseYaml(text, YAML_OPTIONS) };
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0].line;
      const message = (error.message.split('\n')[0] ?? error.message).replace(/:$/, '');
      return syntaxError(`invalid YAML: ${message}`, locationOf(filePath, line), error);
    }
    return syntaxError(`invalid YAML: ${(error as Error).message}`, { path: filePath }, error);
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
  const syntax = parseSyntax(source, format, filePath);
  if (!syntax.ok) return syntax;
  return validateParsed(syntax.value, () => source, format, filePath);
}

/** Every advisory file under `dir`, sorted; dot-files and dot-directories (`.git`) are skipped. */
async function listAdvisoryFiles(dir: string): Promise<{ files: string[]; errors: ChainwatchError[] }> {
  const files: string[] = [];
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
      else if (entry.isFile() && advisoryFormatOf(entry.name) !== null) files.push(full);
    }
  }
  files.sort();
  return { files, errors };
}

/** How many files are read ahead while earlier ones are parsed. */
const READ_AHEAD = 32;

type ReadOutcome = { path: string; text: string } | { path: string; error: unknown };

/** Reads files with a bounded read-ahead so disk waits overlap parsing, yielding in input order. */
async function* readInOrder(files: readonly string[]): AsyncGenerator<ReadOutcome> {
  const inFlight: Promise<ReadOutcome>[] = [];
  let next = 0;
  const startNext = () => {
    const filePath = files[next++]!;
    inFlight.push(
      readFile(filePath, 'utf8').then(
        (text) => ({ path: filePath, text }),
        (error: unknown) => ({ path: filePath, error }),
      ),
    );
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
  const { files, errors } = await listAdvisoryFiles(dir);
  for (const error of errors) yield fail(error);
  const workers = Math.max(0, Math.floor(options.workers ?? defaultWorkerCount()));
  if (workers > 1 && files.length >= PARALLEL_THRESHOLD) {
    yield* parseInWorkers(files, workers);
    return;
  }
  for await (const outcome of readInOrder(files)) {
    if ('error' in outcome) yield unreadable(outcome.path, outcome.error);
    else yield parseAdvisoryText(outcome.text, advisoryFormatOf(outcome.path)!, outcome.path);
  }
}

/**
 * The syntax stage of parseAdvisoryText, for worker threads. YAML parsing is
 * what a directory load spends its time on (the PyPA tree: ~0.4 ms per file,
 * schema validation ~0.03 ms), so workers read and parse while the calling
 * thread validates. It is source text because load.ts must work both from
 * TypeScript sources (tests) and compiled output; keep it in step with
 * parseSyntax() and YAML_OPTIONS above.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { parse, YAMLParseError } = require(workerData.yamlPath);
const numberTag = new RegExp(workerData.numberTagPattern);
const options = {
  schema: 'core',
  customTags: (tags) => tags.filter((tag) => !numberTag.test(typeof tag === 'string' ? tag : tag.tag)),
  logLevel: 'error',
  prettyErrors: true, // fills in linePos on errors only
  uniqueKeys: true,
};
function parseOne(task) {
  let text;
  try {
    text = readFileSync(task.path, 'utf8');
  } catch (error) {
    return { index: task.index, failure: 'read', message: String(error && error.message) };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // JSON is parsed on the calling thread: JSON.parse is as cheap as passing its result over.
  if (task.format === 'json') return { index: task.index, text };
  try {
    return { index: task.index, json: JSON.stringify(parse(text, options)) };
  } catch (error) {
    const message = String(error && error.message);
    const line = error instanceof YAMLParseError && error.linePos ? error.linePos[0].line : undefined;
    return { index: task.index, failure: 'syntax', message: 'invalid YAML: ' + message.split('\\n')[0].replace(/:$/, ''), line };
  }
}
parentPort.on('message', (tasks) => parentPort.postMessage(tasks.map(parseOne)));
`;

type WorkerTask = { index: number; path: string; format: AdvisoryFormat };
type WorkerOutcome =
  | { index: number; json: string }
  | { index: number; text: string }
  | { index: number; failure: 'read' | 'syntax'; message: string; line?: number };

const TASKS_PER_MESSAGE = 16;

/** Reads and parses `files` on `count` worker threads; yields validated results in path order. */
async function* parseInWorkers(files: readonly string[], count: number): AsyncGenerator<Result<OsvRecord>> {
  const require = createRequire(import.meta.url);
  const workerData = { yamlPath: require.resolve('yaml'), numberTagPattern: NUMBER_TAG.source };
  const pool = Array.from({ length: Math.min(count, Math.ceil(files.length / TASKS_PER_MESSAGE)) }, () => new Worker(WORKER_SOURCE, { eval: true, workerData }));
  const done = new Map<number, WorkerOutcome>();
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  let finished = false;
  let nextTask = 0;

  const feed = (worker: Worker) => {
    if (nextTask >= files.length) return;
    const tasks: WorkerTask[] = [];
    for (; nextTask < files.length && tasks.length < TASKS_PER_MESSAGE; nextTask++) {
      tasks.push({ index: nextTask, path: files[nextTask]!, format: advisoryFormatOf(files[nextTask]!)! });
    }
    worker.postMessage(tasks);
  };
  for (const worker of pool) {
    worker.on('message', (outcomes: WorkerOutcome[]) => {
      for (const outcome of outcomes) done.set(outcome.index, outcome);
      feed(worker);
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
    // Two batches in flight per worker so none waits for the main thread.
    feed(worker);
    feed(worker);
  }

  try {
    for (let index = 0; index < files.length; index++) {
      while (!done.has(index)) {
        if (failure !== null) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      const outcome = done.get(index)!;
      done.delete(index);
      const filePath = files[index]!;
      const format = advisoryFormatOf(filePath)!;
      if ('text' in outcome) {
        yield parseAdvisoryText(outcome.text, format, filePath);
      } else if ('json' in outcome) {
        // The worker's YAML value crosses threads as JSON text: cheaper than a structured clone.
        yield validateParsed(JSON.parse(outcome.json), () => readTextOrNull(filePath), format, filePath);
      } else if (outcome.failure === 'read') {
        yield unreadable(filePath, new Error(outcome.message));
      } else {
        yield syntaxError(outcome.message, locationOf(filePath, outcome.line));
      }
    }
  } finally {
    finished = true;
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
}

function readTextOrNull(filePath: string): string | null {
  try {
    return withoutBom(readFileSync(filePath, 'utf8'));
  } catch {
    return null;
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

/**
 * Reads a zip's central directory. A truncated or corrupt archive (no end
 * record, bad offsets) is an error value naming the archive.
 */
export function listZipEntries(bytes: Uint8Array, archiveLabel: string): Result<ZipEntryInfo[]> {
  const directory = readZipDirectorySync(bytes, archiveLabel);
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
  const directory = readZipDirectorySync(bytes, archiveLabel);
  if (!directory.ok) {
    yield directory;
    return;
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const entry of directory.value.entries) {
    const format = advisoryFormatOf(entry.name);
    if (format === null) continue;
    const entryLabel = `${archiveLabel}!/${entry.name}`;
    const data = readZipMemberSync(bytes, directory.value, entry, archiveLabel);
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

async function readArchive(file: string): Promise<Result<Uint8Array>> {
  try {
    return { ok: true, value: await readFile(file) };
  } catch (error) {
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
}

/**
 * The CLI's entry point for `db import`: loads a directory tree or an export
 * zip and imports every valid record in one transaction. Bad files are
 * reported in `errors`; they never stop the import. Records are tagged with
 * `options.sourceName` (default `local:<absolute path>`).
 */
export async function importAdvisories(
  store: AdvisoryStore,
  source: AdvisorySource,
  options: { sourceName?: string } = {},
): Promise<ImportAdvisoriesResult> {
  const sourceName = options.sourceName ?? `local:${path.resolve(source.path)}`;
  const errors: ChainwatchError[] = [];
  let loaded = 0;
  if (source.kind === 'directory') {
    const result = await loadAdvisoryDirectory(source.path);
    errors.push(...result.errors);
    loaded = result.records.length;
    const stats = store.importRecords(result.records, { source: sourceName });
    return { ...stats, loaded, errors };
  }
  const bytes = await readArchive(source.path);
  if (!bytes.ok) return { imported: 0, skipped: 0, loaded, errors: [bytes.error] };
  const zip = bytes.value;
  // Streamed straight into the transaction: the zip's records are never all in memory at once.
  function* validRecords(): Generator<OsvRecord> {
    for (const result of iterateAdvisoryZipBytes(zip, source.path)) {
      if (result.ok) {
        loaded++;
        yield result.value;
      } else errors.push(result.error);
    }
  }
  const stats = store.importRecords(validRecords(), { source: sourceName });
  return { ...stats, loaded, errors };
}
