import { isMap, isScalar, LineCounter, parseDocument, type Document, type Pair } from 'yaml';
import { ChainwatchError } from '../../core/errors.js';
import type { Location } from '../../core/package.js';
import { originOf } from '../common/npm-source.js';
import { addPackage, invalidEntry } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { parseDependencyPath } from './dependency-path.js';
import { lineTooDeep, MAX_NESTING } from './nesting.js';
import { PnpmImporter, PnpmPackage, PnpmSnapshot } from './schema.js';
import { groupsFromGraph, type PackageGroups } from './v9-groups.js';

export function detectPnpmLock(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'pnpm-lock.yaml';
}

/**
 * Reads the `packages` of a pnpm-lock.yaml, lockfileVersion 5.x, 6.x or 9.x,
 * with the `yaml` library (its nodes carry the offsets that give each entry's
 * line). Never throws on bad input: YAML errors are reported with their line,
 * and whatever the parser could still build is read.
 */
export function extractPnpmLock(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const deepLine = lineTooDeep(input.text);
  if (deepLine !== undefined) {
    result.errors.push(parseError(input.path, deepLine, `pnpm lockfile nests deeper than ${MAX_NESTING} levels`));
    return result;
  }
  const lineCounter = new LineCounter();
  let document: Document.Parsed;
  try {
    // failsafe: every scalar stays a string, so `version: 1.10` cannot become the number 1.1.
    document = parseDocument(input.text, { lineCounter, schema: 'failsafe', prettyErrors: false });
  } catch (error) {
    result.errors.push(parseError(input.path, 1, 'pnpm lockfile could not be parsed', error));
    return result;
  }
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const firstError = document.errors[0];
  if (firstError) {
    const more = document.errors.length > 1 ? ` (and ${document.errors.length - 1} more)` : '';
    result.errors.push(parseError(input.path, lineAt(firstError.pos[0]), `pnpm lockfile is not valid YAML: ${firstError.message.split('\n')[0]}${more}`));
  }
  const root = document.contents;
  // An empty file, or one with only comments, is a lockfile with nothing in it.
  if (root === null || (isScalar(root) && root.value === '')) return result;
  if (!isMap(root)) {
    if (!firstError) result.errors.push(parseError(input.path, lineAt(root.range?.[0] ?? 0), 'pnpm lockfile must be a YAML mapping'));
    return result;
  }
  const major = Math.floor(Number.parseFloat(String(scalarValue(root.get('lockfileVersion', true)) ?? '')));
  const packages = root.get('packages', true);
  if (!isMap(packages)) return result;
  const groups = major >= 9 ? readGroups(root.get('importers', true), root.get('snapshots', true), document) : undefined;
  for (const pair of packages.items) {
    readPackage(pair, { path: input.path, major, lineAt, document, groups, result });
  }
  return result;
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
    context.result.errors.push(new ChainwatchError('parse-error', 'packages key is not a string', { location }));
    return;
  }
  const parsed = PnpmPackage.safeParse(entryValue(pair.value, context.document));
  if (!parsed.success) {
    context.result.errors.push(invalidEntry(`entry "${key}"`, location, parsed.error.issues));
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
    context.result.errors.push(new ChainwatchError('parse-error', `cannot tell the package name and version from key "${key}"`, { location }));
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

function parseError(path: string, line: number, message: string, cause?: unknown): ChainwatchError {
  return new ChainwatchError('parse-error', message, { location: { path, line }, ...(cause === undefined ? {} : { cause }) });
}
