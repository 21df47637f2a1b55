import { realpathSync } from 'node:fs';
import { dirname, posix, resolve } from 'node:path';
import { compareText } from '../core/compare.js';
import { ChainwatchError } from '../core/errors.js';
import { excerpt } from '../core/excerpt.js';
import type { EventSink } from '../core/events.js';
import { silentSink } from '../core/events.js';
import { normalizeName, toPurl, type Ecosystem, type Location } from '../core/package.js';
import { extractors as allExtractors } from '../extractors/index.js';
import type { ExtractedPackage, Extractor, NotScannable, RegisteredExtractor, RelatedFile } from '../extractors/types.js';
import { INPUT_LIMITS, readInputText, readInputTextSync } from './read-input.js';
import { displayPathFor, isInsideTree, isSystemPath, walkTargets, type WalkedFile, type WalkOptions } from './walk.js';

/** One package version found in the scanned files, with every place it was declared. */
export interface InventoryPackage {
  ecosystem: Ecosystem;
  name: string;
  normalizedName: string;
  version: string;
  purl: string;
  /** The distribution release the package was installed for (`12`, `24.04`), when the input says: Debian and Ubuntu records are per release. */
  ecosystemRelease?: string;
  source: ExtractedPackage['source'];
  commit?: string;
  /** Format-specific facts (Debian source package, conda channel...), from the first place it was found. */
  qualifiers?: Record<string, string>;
  locations: Location[];
}

export interface Inventory {
  files: { path: string; extractor: string; packages: number; layer?: number }[];
  packages: InventoryPackage[];
  notScannable: NotScannable[];
  errors: ChainwatchError[];
}

export interface InventoryOptions extends WalkOptions {
  /** Keep only these ecosystems (default: all). */
  ecosystems?: readonly Ecosystem[];
  /** Loaded extractors, or registry entries (the default: each loads on the first file it claims). */
  extractors?: readonly (Extractor | RegisteredExtractor)[];
  events?: EventSink;
}

/** The first extractor that claims a path, or null. Detection looks at the path only. */
export function extractorFor<T extends Extractor | RegisteredExtractor>(path: string, candidates: readonly T[]): T | null;
export function extractorFor(path: string): RegisteredExtractor | null;
export function extractorFor(path: string, candidates: readonly (Extractor | RegisteredExtractor)[] = allExtractors): Extractor | RegisteredExtractor | null {
  return candidates.find((extractor) => extractor.detect(path)) ?? null;
}

/**
 * What an inventory passes on of an extractor's text: a name at most as long
 * as the longest any registry allows (npm: 214), a message or reason long
 * enough for a sentence with a quoted excerpt. The extractors quote bounded
 * excerpts themselves; this is the backstop, so that no extractor can copy a
 * whole line of a hostile file (an environment, a pasted token) into a report.
 */
export const REPORTED_TEXT_LIMITS = { name: 214, message: 240 } as const;

/**
 * Walks the targets, extracts every supported file and merges identical
 * package versions found in several places. A file that cannot be read or
 * parsed becomes an error entry; every other file is still extracted.
 */
export async function buildInventory(targets: readonly string[], options: InventoryOptions = {}): Promise<Inventory> {
  const base = resolve(options.displayBase ?? process.cwd());
  const walked = await walkTargets(targets, options);
  const candidates = options.extractors ?? allExtractors;
  const sources: SourceFile[] = walked.files.map((file) => ({
    displayPath: file.displayPath,
    extractor: extractorFor(file.displayPath, candidates) ?? extractorFor(file.absolutePath, candidates),
    read: async () => {
      if (file.skipped !== undefined) throw new ChainwatchError('unreadable-file', file.skipped, { location: { path: file.displayPath } });
      return readInputText(file.absolutePath, { maxBytes: INPUT_LIMITS.lockfile, displayPath: file.displayPath });
    },
    readRelated: (relativePath) => readRelated(file, relativePath, base),
  }));
  return extractFiles(sources, walked.errors, options);
}

/** A file given in memory (an image's kept files), with the image layer its content came from. */
export interface GivenFile {
  /** Absolute in its tree (`/var/lib/dpkg/status`); reports show it as is. */
  path: string;
  text: string;
  layer?: number;
}

/**
 * The same extraction over files already in memory (the files an image
 * keeps). A file's includes (`-r`, a dist-info's INSTALLER) are looked up
 * among the given files only: what was not given does not exist. Every
 * location of a package found in a layered file carries that layer.
 */
export async function buildInventoryFromFiles(given: readonly GivenFile[], options: Omit<InventoryOptions, keyof WalkOptions> = {}): Promise<Inventory> {
  const candidates = options.extractors ?? allExtractors;
  const byPath = new Map(given.map((file) => [file.path, file]));
  const sources: SourceFile[] = given.map((file) => ({
    displayPath: file.path,
    extractor: extractorFor(file.path, candidates),
    read: () => Promise.resolve(file.text),
    readRelated: (relativePath) => {
      const target = posix.resolve(posix.dirname(file.path), relativePath);
      const found = byPath.get(target);
      return found ? { path: found.path, text: found.text } : null;
    },
    ...(file.layer === undefined ? {} : { layer: file.layer }),
  }));
  return extractFiles(sources, [], options);
}

/** One input of the extraction loop, however it is stored. */
interface SourceFile {
  displayPath: string;
  extractor: Extractor | RegisteredExtractor | null;
  /** The file's text; throws a ChainwatchError naming the file when it cannot be read. */
  read(): Promise<string>;
  readRelated(relativePath: string): RelatedFile | null;
  layer?: number;
}

async function extractFiles(sources: readonly SourceFile[], inputErrors: readonly ChainwatchError[], options: Pick<InventoryOptions, 'ecosystems' | 'events'>): Promise<Inventory> {
  const events = options.events ?? silentSink;
  const errors: ChainwatchError[] = [...inputErrors];
  const files: Inventory['files'] = [];
  const notScannable: NotScannable[] = [];
  const merged = new PackageMerger();
  const wanted = options.ecosystems && options.ecosystems.length > 0 ? new Set(options.ecosystems) : null;

  const matched = sources
    .filter((entry): entry is SourceFile & { extractor: Extractor | RegisteredExtractor } => entry.extractor !== null)
    .filter((entry) => !wanted || entry.extractor.ecosystems.some((ecosystem) => wanted.has(ecosystem)));

  let done = 0;
  for (const file of matched) {
    events.emit({ type: 'progress', task: 'extract', done, total: matched.length, detail: file.displayPath });
    done += 1;
    let text: string;
    try {
      text = await file.read();
    } catch (cause) {
      if (!(cause instanceof ChainwatchError)) throw cause;
      errors.push(cause);
      continue;
    }
    const extractor = 'extract' in file.extractor ? file.extractor : await file.extractor.load();
    const result = extractor.extract({ path: file.displayPath, text, readRelated: (relativePath) => file.readRelated(relativePath) });
    // Loops, not push(...spread): a hostile file can produce more entries than a call can take arguments.
    for (const error of result.errors) errors.push(bounded(error));
    for (const entry of result.notScannable) notScannable.push(boundedNotScannable(entry));
    let kept = 0;
    for (const extracted of result.packages) {
      if (wanted && !wanted.has(extracted.ecosystem)) continue;
      if (extracted.version === null) continue;
      kept += 1;
      merged.add(file.layer === undefined ? extracted : { ...extracted, location: { ...extracted.location, layer: file.layer } }, extracted.version);
    }
    files.push({ path: file.displayPath, extractor: extractor.id, packages: kept, ...(file.layer === undefined ? {} : { layer: file.layer }) });
  }
  events.emit({ type: 'progress', task: 'extract', done, total: matched.length });

  return { files, packages: merged.sorted(), notScannable, errors };
}

/**
 * A file an extractor asks for besides the one it reads (a requirements
 * file's `-r`/`-c` include, package-lock's npm-shrinkwrap.json), named
 * relative to the directory of the file being read. Read only when, with
 * every symbolic link resolved, it is a regular file inside the scanned tree
 * and not under /proc, /sys or /dev; then through the bounded reader.
 * Anything else is refused without reading a byte of it. null means it does
 * not exist (inside the tree); a refusal says nothing about what lies outside.
 */
function readRelated(file: WalkedFile, relativePath: string, base: string): RelatedFile | null {
  const target = resolve(dirname(file.absolutePath), relativePath);
  const displayPath = displayPathFor(target, base);
  let real: string;
  try {
    real = realpathSync(target);
  } catch (cause) {
    // Whether a path outside the tree exists is not the input's business either: judge the nearest existing folder.
    if (!existingAncestorIsInside(target, file.treeRoot)) return { error: outsideTree() };
    if ((cause as NodeJS.ErrnoException | null)?.code === 'ENOENT') return null;
    return { error: new ChainwatchError('unreadable-file', 'cannot be read', { location: { path: displayPath } }) };
  }
  if (!isInsideTree(real, file.treeRoot) || isSystemPath(real)) return { error: outsideTree() };
  try {
    return { path: displayPath, text: readInputTextSync(real, { maxBytes: INPUT_LIMITS.lockfile, displayPath }) };
  } catch (error) {
    if (error instanceof ChainwatchError) return { error };
    throw error;
  }
}

function existingAncestorIsInside(path: string, treeRoot: string): boolean {
  let current = dirname(path);
  for (;;) {
    try {
      const real = realpathSync(current);
      return isInsideTree(real, treeRoot) && !isSystemPath(real);
    } catch {
      const parent = dirname(current);
      if (parent === current) return false;
      current = parent;
    }
  }
}

function outsideTree(): ChainwatchError {
  return new ChainwatchError('unreadable-file', 'is outside the scanned tree (only files inside the scanned directory are read, symbolic links resolved)');
}

function bounded(error: ChainwatchError): ChainwatchError {
  const message = excerpt(error.message, REPORTED_TEXT_LIMITS.message);
  if (message === error.message) return error;
  // The cause may quote the same input at length: a cut message goes on without it.
  return new ChainwatchError(error.code, message, error.location ? { location: error.location } : {});
}

function boundedNotScannable(entry: NotScannable): NotScannable {
  const name = excerpt(entry.name, REPORTED_TEXT_LIMITS.name);
  const reason = excerpt(entry.reason, REPORTED_TEXT_LIMITS.message);
  return name === entry.name && reason === entry.reason ? entry : { ...entry, name, reason };
}

/** Merges identical package versions; each place is recorded once, checked in constant time. */
class PackageMerger {
  private readonly byKey = new Map<string, { pkg: InventoryPackage; places: Set<string> }>();

  add(extracted: ExtractedPackage, version: string): void {
    const normalizedName = normalizeName(extracted.ecosystem, extracted.name);
    const key = `${extracted.ecosystem}\u0000${normalizedName}\u0000${version}\u0000${extracted.commit ?? ''}\u0000${extracted.ecosystemRelease ?? ''}`;
    const place = `${extracted.location.path}\u0000${extracted.location.line ?? ''}`;
    const existing = this.byKey.get(key);
    if (existing) {
      if (!existing.places.has(place)) {
        existing.places.add(place);
        existing.pkg.locations.push(extracted.location);
      }
      return;
    }
    this.byKey.set(key, {
      pkg: {
        ecosystem: extracted.ecosystem,
        name: extracted.name,
        normalizedName,
        version,
        purl: toPurl(extracted.ecosystem, extracted.name, version),
        ...(extracted.ecosystemRelease ? { ecosystemRelease: extracted.ecosystemRelease } : {}),
        source: extracted.source ?? 'registry',
        ...(extracted.commit ? { commit: extracted.commit } : {}),
        ...(extracted.qualifiers ? { qualifiers: extracted.qualifiers } : {}),
        locations: [extracted.location],
      },
      places: new Set([place]),
    });
  }

  sorted(): InventoryPackage[] {
    const packages: InventoryPackage[] = [];
    for (const { pkg } of this.byKey.values()) packages.push(pkg);
    return packages.sort(comparePackages);
  }
}

function comparePackages(a: InventoryPackage, b: InventoryPackage): number {
  return compareText(a.ecosystem, b.ecosystem) || compareText(a.normalizedName, b.normalizedName) || compareText(a.version, b.version);
}
