import { excerpt } from '../../core/excerpt.js';
import type { Location } from '../../core/package.js';
import { originOf, type RemoteOrigin } from '../common/npm-source.js';
import { addError, addInvalidEntry, addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { readLockfile, type LockEntry } from './read-lockfile.js';
import { PackageLockDependency, PackageLockPackage } from './schema.js';

const NODE_MODULES = 'node_modules/';

/**
 * jsonc-parser recurses once per nesting level and overflows the stack a few
 * thousand levels down. Real lockfiles nest a few dozen levels at most (v1 adds
 * two per nested node_modules), so deeper input is refused before parsing.
 */
const MAX_NESTING = 1000;

/**
 * Reads a package-lock.json / npm-shrinkwrap.json: v2 and v3 from `packages`
 * (v2 also carries v1's `dependencies`, which is then ignored), v1 from the
 * nested `dependencies`. Never throws on bad input: a malformed file yields an
 * error plus every entry that could still be read.
 */
export function extractPackageLock(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  if (isShadowedByShrinkwrap(input)) return result;
  const read = readLockfile(input.text, MAX_NESTING);
  const at = (line: number): Location => ({ path: input.path, line });
  const problem = read.problem;
  if (problem?.kind === 'too-deep') {
    addError(result.errors, 'parse-error', `package lockfile nests deeper than ${MAX_NESTING} levels`, at(problem.line));
    return result;
  }
  if (problem) addError(result.errors, 'parse-error', `package lockfile is not valid JSON: ${problem.detail}`, at(problem.line));
  if (read.rootType === undefined) return result;
  if (read.rootType !== 'object') {
    if (!problem) addError(result.errors, 'parse-error', `package lockfile must be a JSON object, found ${read.rootType}`, at(read.rootLine));
    return result;
  }
  if (read.packages) {
    // First, so that it is listed whatever the entries add: npm always writes the project itself
    // as "", so keys that are neither it nor install folders are not a lockfile's.
    if (!problem && read.packages.length > 0 && !read.packages.some((entry) => entry.key === '' || installNameOf(entry.key) !== null)) {
      const message = `none of the ${read.packages.length} keys of "packages" is the project ("") or an install folder (node_modules/…)`;
      addError(result.errors, 'unsupported-format', message, at(read.packagesLine));
    }
    readPackages(read.packages, input.path, result);
  } else if (read.dependencies) {
    readDependencies(read.dependencies, input.path, result);
  } else if (!read.hasLockfileVersion && !problem) {
    // `{}` or a million keys of something else: say so rather than report an empty project.
    addError(result.errors, 'unsupported-format', 'no "lockfileVersion", "packages" or "dependencies": not an npm lockfile', at(read.rootLine));
  }
  return result;
}

/**
 * npm installs from npm-shrinkwrap.json and ignores package-lock.json when both
 * sit in one folder; reading both would report every package twice, once from a
 * file npm does not use. Only checked when the walker offers `readRelated`.
 */
function isShadowedByShrinkwrap(input: ExtractInput): boolean {
  if (input.path.split(/[\\/]/).pop() !== 'package-lock.json' || !input.readRelated) return false;
  return input.readRelated('npm-shrinkwrap.json') !== null;
}

/** v2/v3: one entry per install folder, so the same name@version may rightly appear several times. */
function readPackages(entries: readonly LockEntry[], path: string, result: ExtractResult): void {
  for (const { key, line, kind, fields } of entries) {
    const location = { path, line };
    if (kind === 'missing') continue; // cut off by a syntax error, already reported
    if (kind !== 'object') {
      addError(result.errors, 'parse-error', `entry "${excerpt(key)}" is not an object`, location);
      continue;
    }
    // "" is the project itself; paths without node_modules/ are workspace or file: folders.
    const installName = key === '' ? null : installNameOf(key);
    if (installName === null) continue;
    const parsed = PackageLockPackage.safeParse(fields);
    if (!parsed.success) {
      addInvalidEntry(result.errors, `entry "${excerpt(key)}"`, location, parsed.error.issues);
      continue;
    }
    const entry = parsed.data;
    if (entry.link === true) continue; // a symlink to a workspace or file: folder
    const origin = entry.resolved === undefined ? undefined : originOf(entry.resolved);
    if (origin?.kind === 'local') continue;
    const name = entry.name || installName;
    const extracted = packageOf(name, entry.version ?? null, location, origin, {
      dev: entry.dev === true,
      // devOptional: needed by dev dependencies and, optionally, at run time; so not dev-only.
      optional: entry.optional === true || entry.devOptional === true,
    });
    if (name !== installName) extracted.qualifiers = { alias: installName };
    push(result, extracted);
  }
}

/** v1: `dependencies` keyed by install name, nesting further `dependencies` for conflicting versions; in file order. */
function readDependencies(entries: readonly LockEntry[], path: string, result: ExtractResult): void {
  for (const { key, line, kind, fields } of entries) {
    const location = { path, line };
    if (kind === 'missing') continue;
    if (kind !== 'object') {
      addError(result.errors, 'parse-error', `dependency entry "${excerpt(key)}" is not an object`, location);
      continue;
    }
    if (key === '') {
      addError(result.errors, 'parse-error', 'dependency entry has an empty name', location);
      continue;
    }
    const parsed = PackageLockDependency.safeParse(fields);
    if (parsed.success) readDependency(key, parsed.data, location, result);
    else addInvalidEntry(result.errors, `entry "${excerpt(key)}"`, location, parsed.error.issues);
  }
}

function readDependency(key: string, entry: PackageLockDependency, location: Location, result: ExtractResult): void {
  const flags = { dev: entry.dev === true, optional: entry.optional === true };
  const spec = entry.version;
  if (spec === undefined) {
    push(result, packageOf(key, null, location, undefined, flags));
    return;
  }
  if (spec.startsWith('npm:')) {
    // An alias install: `"string-width-cjs": {"version": "npm:string-width@4.2.0"}`.
    const target = splitNameAtVersion(spec.slice('npm:'.length));
    if (target) {
      const extracted = packageOf(target.name, target.version, location, resolvedOrigin(entry), flags);
      if (target.name !== key) extracted.qualifiers = { alias: key };
      push(result, extracted);
      return;
    }
  }
  const specOrigin = originOf(spec);
  if (specOrigin.kind === 'local') return;
  if (specOrigin.kind === 'git' || specOrigin.kind === 'tarball') {
    // v1 writes the git URL or tarball URL where the version would be.
    push(result, packageOf(key, null, location, specOrigin, flags));
    return;
  }
  const origin = resolvedOrigin(entry);
  if (origin?.kind === 'local') return;
  push(result, packageOf(key, spec, location, origin, flags));
}

function resolvedOrigin(entry: PackageLockDependency): RemoteOrigin | undefined {
  return entry.resolved === undefined ? undefined : originOf(entry.resolved);
}

function packageOf(
  name: string,
  version: string | null,
  location: Location,
  origin: RemoteOrigin | undefined,
  flags: { dev: boolean; optional: boolean },
): ExtractedPackage {
  const extracted: ExtractedPackage = { ecosystem: 'npm', name, version, location, source: 'registry' };
  if (origin?.kind === 'git') {
    extracted.source = 'git';
    if (origin.commit) extracted.commit = origin.commit;
  } else if (origin?.kind === 'tarball' && version === null) {
    // Only v1 puts a tarball URL in place of the version; elsewhere a tarball is the registry's.
    extracted.source = 'url';
  }
  if (flags.dev) extracted.dev = true;
  if (flags.optional) extracted.optional = true;
  return extracted;
}

function push(result: ExtractResult, extracted: ExtractedPackage): void {
  const reason =
    extracted.source === 'git'
      ? `git dependency without a version${extracted.commit ? ` (commit ${extracted.commit})` : ''}`
      : extracted.source === 'url'
        ? 'tarball URL dependency without a version'
        : 'no version in the lock entry';
  addPackage(result, extracted, reason);
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`; null for folders outside node_modules. */
function installNameOf(key: string): string | null {
  let at = key.lastIndexOf(NODE_MODULES);
  while (at > 0 && key[at - 1] !== '/') at = key.lastIndexOf(NODE_MODULES, at - 1);
  if (at < 0) return null;
  const name = key.slice(at + NODE_MODULES.length);
  return name === '' ? null : name;
}

/** `@scope/name@1.2.3` → name and version; the first `@` of a scoped name is not the separator. */
function splitNameAtVersion(spec: string): { name: string; version: string } | null {
  const at = spec.lastIndexOf('@');
  if (at <= 0) return null;
  const name = spec.slice(0, at);
  const version = spec.slice(at + 1);
  return name && version ? { name, version } : null;
}
