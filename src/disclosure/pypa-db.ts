import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { advisoryFormatOf, parseAdvisoryText } from '../advisories/load.js';
import { compareText } from '../core/compare.js';
import { ChainwatchError } from '../core/errors.js';
import { normalizeName, parseEcosystem } from '../core/package.js';
import { INPUT_LIMITS, readInputText } from '../inventory/read-input.js';

/**
 * A checkout of pypa/advisory-database read into an index: every record's id
 * and aliases, and which records each package has. The repository keeps one
 * OSV record per file, `vulns/<package>/PYSEC-YYYY-N.yaml` (a new record is
 * submitted as `PYSEC-0000-<anything>.yaml` and the repository's automation
 * gives it its number after the merge).
 *
 * Files are read with the bounded reader (regular files only, at most
 * INPUT_LIMITS.advisory, strict UTF-8) and parsed by the advisory loader's
 * `parseAdvisoryText` (YAML nesting checked before the parser runs, OSV schema
 * validated). A file that cannot be read or is not a valid record is a note
 * naming it; the rest is indexed.
 */

/** One record of the checkout, as the index keeps it. */
export interface PypaRecordSummary {
  /** `PYSEC-2023-155`, or `PYSEC-0000-…` for a record not numbered yet. */
  id: string;
  aliases: string[];
  /** Path relative to the checkout, with `/` separators (`vulns/jupyter-server/PYSEC-2023-155.yaml`). */
  path: string;
  /**
   * The packages the record is filed under: its directory's name and every
   * PyPI `affected[].package.name`, PEP 503-normalised, sorted, unique.
   */
  packages: string[];
  /** Withdrawn records still count as present: the database has considered the vulnerability. */
  withdrawn: boolean;
}

/** What the disclosure desk asks of the database (`not-in-pypa-db`, `export --pypa`). */
export interface PypaIndex {
  /** True when any record's id or alias is one of `ids` (compared without regard to case). */
  contains(ids: readonly string[]): boolean;
  /** The records whose id or alias is one of `ids`, in path order. */
  find(ids: readonly string[]): PypaRecordSummary[];
  /** The records of one package (any spelling: PEP 503-normalised first), in path order. */
  recordsFor(packageName: string): PypaRecordSummary[];
}

export interface PypaDatabase extends PypaIndex {
  /** The checkout as given. */
  root: string;
  /** Every indexed record, in path order. */
  records: PypaRecordSummary[];
  /** Normalised names of the packages that have records, sorted. */
  packages(): string[];
  /** Files that could not be read or indexed, and files outside the layout, each naming its path. */
  notes: ChainwatchError[];
}

/** How many files are read ahead of the one being parsed. */
const READ_AHEAD = 16;

/**
 * Reads `root/vulns/**` into an index. The checkout itself must exist and have
 * a `vulns` directory (else an `invalid-argument` error: the path is wrong);
 * everything wrong inside it is a note.
 */
export async function loadPypaDatabase(root: string): Promise<PypaDatabase> {
  const vulns = path.join(root, 'vulns');
  const notes: ChainwatchError[] = [];
  let top: Dirent[];
  try {
    top = await readdir(vulns, { withFileTypes: true });
  } catch (cause) {
    throw new ChainwatchError('invalid-argument', `${vulns} cannot be read: not a pypa/advisory-database checkout (expected vulns/<package>/PYSEC-YYYY-N.yaml)`, {
      location: { path: vulns },
      cause,
    });
  }
  const files = await listRecordFiles(root, vulns, top, notes);
  const records: PypaRecordSummary[] = [];
  for await (const outcome of readAhead(root, files)) {
    const relative = toRelative(root, outcome.file);
    if ('error' in outcome) {
      notes.push(outcome.error);
      continue;
    }
    const parsed = parseAdvisoryText(outcome.text, advisoryFormatOf(outcome.file)!, relative);
    if (!parsed.ok) {
      notes.push(parsed.error);
      continue;
    }
    const record = parsed.value;
    const segments = relative.split('/');
    const packages = new Set<string>();
    if (segments.length === 3) packages.add(normalizeName('PyPI', segments[1]!));
    else notes.push(new ChainwatchError('invalid-advisory', 'is outside the layout vulns/<package>/<ID>.yaml; indexed by its id, aliases and affected packages', { location: { path: relative } }));
    for (const affected of record.affected ?? []) {
      if (affected.package && parseEcosystem(affected.package.ecosystem) === 'PyPI') packages.add(normalizeName('PyPI', affected.package.name));
    }
    records.push({
      id: record.id,
      aliases: [...(record.aliases ?? [])],
      path: relative,
      packages: [...packages].sort(compareText),
      withdrawn: record.withdrawn !== undefined,
    });
  }
  records.sort((a, b) => compareText(a.path, b.path));
  notes.sort((a, b) => compareText(a.location?.path ?? '', b.location?.path ?? ''));
  return createPypaDatabase(root, records, notes);
}

/** An index over records already read (also what tests and other callers build by hand). */
export function createPypaDatabase(root: string, records: readonly PypaRecordSummary[], notes: readonly ChainwatchError[] = []): PypaDatabase {
  const byId = new Map<string, PypaRecordSummary[]>();
  const byPackage = new Map<string, PypaRecordSummary[]>();
  const add = <K>(map: Map<K, PypaRecordSummary[]>, key: K, record: PypaRecordSummary) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [record]);
    else if (!list.includes(record)) list.push(record);
  };
  for (const record of records) {
    for (const id of [record.id, ...record.aliases]) add(byId, idKey(id), record);
    for (const name of record.packages) add(byPackage, name, record);
  }
  const find = (ids: readonly string[]): PypaRecordSummary[] => {
    const found = new Set<PypaRecordSummary>();
    for (const id of ids) for (const record of byId.get(idKey(id)) ?? []) found.add(record);
    return [...found].sort((a, b) => compareText(a.path, b.path));
  };
  return {
    root,
    records: [...records],
    notes: [...notes],
    contains: (ids) => ids.some((id) => byId.has(idKey(id))),
    find,
    recordsFor: (packageName) => [...(byPackage.get(normalizeName('PyPI', packageName)) ?? [])],
    packages: () => [...byPackage.keys()].sort(compareText),
  };
}

/** GHSA ids are written in lower case after the prefix, CVE ids in upper case; people write both ways. */
function idKey(id: string): string {
  return id.trim().toUpperCase();
}

function toRelative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * The record files under `vulns/`, sorted: `.yaml`, `.yml` and `.json` files at
 * any depth (the layout is one level of package directories; deeper or
 * shallower files are indexed and noted). Dot-files (`.id-allocator`) and
 * dot-directories are skipped; links, FIFOs and devices are noted, never read.
 */
async function listRecordFiles(root: string, vulns: string, top: Dirent[], notes: ChainwatchError[]): Promise<string[]> {
  const files: string[] = [];
  const pending: { dir: string; entries: Dirent[] | null }[] = [{ dir: vulns, entries: top }];
  while (pending.length > 0) {
    const { dir, entries: given } = pending.pop()!;
    let entries = given;
    if (entries === null) {
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (cause) {
        notes.push(new ChainwatchError('unreadable-file', 'directory cannot be read', { location: { path: toRelative(root, dir) }, cause }));
        continue;
      }
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push({ dir: full, entries: null });
      else if (advisoryFormatOf(entry.name) === null) continue;
      else if (entry.isFile()) files.push(full);
      else notes.push(new ChainwatchError('unreadable-file', 'skipped: not a regular file (links, FIFOs and devices are never read)', { location: { path: toRelative(root, full) } }));
    }
  }
  return files.sort(compareText);
}

type ReadOutcome = { file: string; text: string } | { file: string; error: ChainwatchError };

async function readRecordFile(root: string, file: string): Promise<ReadOutcome> {
  const displayPath = toRelative(root, file);
  try {
    return { file, text: await readInputText(file, { maxBytes: INPUT_LIMITS.advisory, displayPath }) };
  } catch (error) {
    if (error instanceof ChainwatchError) return { file, error };
    return { file, error: new ChainwatchError('unreadable-file', 'cannot be read', { location: { path: displayPath }, cause: error }) };
  }
}

/** Reads files in order with a bounded read-ahead, so disk waits overlap parsing. */
async function* readAhead(root: string, files: readonly string[]): AsyncGenerator<ReadOutcome> {
  const inFlight: Promise<ReadOutcome>[] = [];
  let next = 0;
  while (next < files.length && inFlight.length < READ_AHEAD) inFlight.push(readRecordFile(root, files[next++]!));
  while (inFlight.length > 0) {
    const outcome = await inFlight.shift()!;
    if (next < files.length) inFlight.push(readRecordFile(root, files[next++]!));
    yield outcome;
  }
}
