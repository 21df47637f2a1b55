import { isMap, isScalar, LineCounter, parseDocument, type Document, type Pair } from 'yaml';
import { excerpt } from '../../core/excerpt.js';
import type { Location } from '../../core/package.js';
import { withoutByteOrderMark } from '../common/byte-order-mark.js';
import { originOf } from '../common/npm-source.js';
import { addError, addInvalidEntry, addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { parseDependencyPath } from './dependency-path.js';
import { lineTooDeep, MAX_YAML_NESTING } from '../common/yaml-nesting.js';
import { PnpmImporter, PnpmPackage, PnpmSnapshot } from './schema.js';
import { groupsFromGraph, type PackageGroups } from './v9-groups.js';

/**
 * Reads the `packages` of a pnpm-lock.yaml, lockfileVersion 5.x, 6.x or 9.x,
 * with the `yaml` library (its nodes carry the offsets that give each entry's
 * line). Never throws on bad input: YAML errors are reported with their line,
 * and whatever the parser could still build is read.
 */
export function extractPnpmLock(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const text = withoutByteOrderMark(input.text);
  const at = (line: number): Location => ({ path: input.path, line });
  const deepLine = lineTooDeep(text);
  if (deepLine !== undefined) {
    addError(result.errors, 'parse-error', `pnpm lockfile nests deeper than ${MAX_YAML_NESTING} levels`, at(deepLine));
    return result;
  }
  const lineCounter = new LineCounter();
  let document: Document.Parsed;
  try {
    // failsafe: every scalar stays a string, so `version: 1.10` cannot become the number 1.1.
    // uniqueKeys compares each key with every other one of its map: 20,000 keys took 17 s.
    document = parseDocument(text, { lineCounter, schema: 'failsafe', prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    addError(result.errors, 'parse-error', 'pnpm lockfile could not be parsed', at(1), error);
    return result;
  }
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const firstError = document.errors[0];
  if (firstError) {
    const more = document.errors.length > 1 ? ` (and ${document.errors.length - 1} more)` : '';
    const message = `pnpm lockfile is not valid YAML: ${excerpt(firstError.message.split('\n')[0] ?? '', 200)}${more}`;
    addError(result.errors, 'parse-error', message, at(lineAt(firstError.pos[0])));
  }
  const root = document.contents;
  // An empty file, or one with only comments, is a lockfile with nothing in it.
  if (root === null || (isScalar(root) && root.value === '')) return result;
  if (!isMap(root)) {
    if (!firstError) addError(result.errors, 'parse-error', 'pnpm lockfile must be a YAML mapping', at(lineAt(root.range?.[0] ?? 0)));
    return result;
  }
  const lockfileVersion = root.get('lockfileVersion', true);
  const major = Math.floor(Number.parseFloat(String(scalarValue(lockfileVersion) ?? '')));
  const packages = root.get('packages', true);
  if (lockfileVersion === undefined && packages === undefined && !root.has('importers') && !firstError) {
    // A mapping of something else (a million junk keys): say so rather than report an empty project.
    addError(result.errors, 'unsupported-format', 'no "lockfileVersion", "packages" or "importers": not a pnpm lockfile', at(lineAt(root.range?.[0] ?? 0)));
    return result;
  }
  if (packages === undefined || isEmptyScalar(packages)) return result;
  if (!isMap(packages)) {
    addError(result.errors, 'parse-error', '"packages" must be a mapping of package entries', at(lineAt(rangeStart(packages))));
    return result;
  }
  const groups = major >= 9 ? readGroups(root.get('importers', true), root.get('snapshots', true), document) : undefined;
  for (const pair of packages.items) {
    readPackage(pair, { path: input.path, major, lineAt, document, groups, result });
  }
  return result;
}

function isEmptyScalar(node: unknown): boolean {
  return node === null || (isScalar(node) && (node.value === '' || node.value === null || node.value === undefined));
}

function rangeStart(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0] ?? 0;
}

interface Context {
  path: string;
  major: number;
  lineAt: (offset: number) => number;
  document: Document.Parsed;
  /** v9 only: dev and optional packages, recovered from `importers` and `snapshots`. */
  groups: PackageGroups | undefined;
  result: ExtractResult;
}

function readPackage(pair: Pair, context: Context): void {
  const keyNode = pair.key;
  const offset = isScalar(keyNode) ? (keyNode.range?.[0] ?? 0) : 0;
  const location: Location = { path: context.path, line: context.lineAt(offset) };
  const key = isScalar(keyNode) ? scalarValue(keyNode) : undefined;
  if (key === undefined) {
    addError(context.result.errors, 'parse-error', 'packages key is not a string', location);
    return;
  }
  const parsed = PnpmPackage.safeParse(entryValue(pair.value, context.document));
  if (!parsed.success) {
    addInvalidEntry(context.result.errors, `entry "${excerpt(key)}"`, location, parsed.error.issues);
    return;
  }
  const entry = parsed.data;
  const resolution = entry.resolution;
  // file: tarballs and directories, and link: targets, are on disk: the project's own code or vendored copies.
  if (/^(?:file|link):/.test(key) || resolution?.type === 'directory' || resolution?.directory !== undefined) return;
  const dependencyPath = parseDependencyPath(key, context.major);
  if (dependencyPath && /^(?:file|link):/.test(dependencyPath.version)) return;
  const tarballOrigin = resolution?.tarball === undefined ? undefined : originOf(resolution.tarball);
  if (tarballOrigin?.kind === 'local') return;
  const name = entry.name || dependencyPath?.name;
  if (!name) {
    addError(context.result.errors, 'parse-error', `cannot tell the package name and version from key "${excerpt(key)}"`, location);
    return;
  }
  const keyVersion = dependencyPath?.isVersion ? dependencyPath.version : undefined;
  const extracted: ExtractedPackage = {
    ecosystem: 'npm',
    name,
    version: entry.version ?? keyVersion ?? null,
    location,
    source: 'registry',
  };
  if (resolution?.type === 'git' || (resolution?.repo !== undefined && resolution.commit !== undefined)) {
    extracted.source = 'git';
    if (resolution?.commit) extracted.commit = resolution.commit.toLowerCase();
  } else if (tarballOrigin?.kind === 'git') {
    extracted.source = 'git';
    if (tarballOrigin.commit) extracted.commit = tarballOrigin.commit;
  } else if (tarballOrigin !== undefined && keyVersion === undefined) {
    // A registry key (`/name/1.2.3`, `name@1.2.3`) may still spell its tarball out (custom registries).
    extracted.source = 'url';
  }
  if (entry.dev === 'true' || context.groups?.dev.has(key)) extracted.dev = true;
  if (entry.optional === 'true' || context.groups?.optional.has(key)) extracted.optional = true;
  addPackage(context.result, extracted, 'no version in the lock entry');
}

/** v9: the graph that says which packages are dev-only or optional (see v9-groups.ts). */
function readGroups(importersNode: unknown, snapshotsNode: unknown, document: Document.Parsed): PackageGroups {
  const importers: PnpmImporter[] = [];
  if (isMap(importersNode)) {
    for (const pair of importersNode.items) {
      const importer = PnpmImporter.safeParse(entryValue(pair.value, document));
      if (importer.success) importers.push(importer.data);
    }
  }
  const snapshots = new Map<string, PnpmSnapshot>();
  if (isMap(snapshotsNode)) {
    for (const pair of snapshotsNode.items) {
      const key = scalarValue(pair.key);
      const snapshot = PnpmSnapshot.safeParse(entryValue(pair.value, document));
      if (key !== undefined && snapshot.success) snapshots.set(key, snapshot.data);
    }
  }
  return groupsFromGraph(importers, snapshots);
}

/** An entry's value as plain data; `/foo/1.0.0:` with nothing after it is an empty entry. */
function entryValue(node: unknown, document: Document.Parsed): unknown {
  if (node === null || node === undefined) return {};
  if (isScalar(node)) return node.value === '' || node.value === null ? {} : node.value;
  try {
    return isMap(node) ? node.toJS(document, { maxAliasCount: 100 }) : node;
  } catch {
    // Alias bombs and other unreadable values: let the schema reject the entry.
    return null;
  }
}

function scalarValue(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  return typeof value === 'string' ? value : value === null || value === undefined ? undefined : String(value);
}
