import { ChainwatchError } from '../../core/errors.js';
import type { Location } from '../../core/package.js';
import { parseJsonDocument, properties, type JsonDocument, type JsonNode } from '../common/json-document.js';
import { originOf, type RemoteOrigin } from '../common/npm-source.js';
import { addPackage, invalidEntry } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { PackageLockDependency, PackageLockPackage } from './schema.js';

const LOCKFILE_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);
const NODE_MODULES = 'node_modules/';

/**
 * jsonc-parser recurses once per nesting level and overflows the stack a few
 * thousand levels down. Real lockfiles nest a few dozen levels at most (v1 adds
 * two per nested node_modules), so deeper input is refused before parsing.
 */
const MAX_NESTING = 1000;

/** npm's lockfile and its publishable twin; `node_modules/.package-lock.json` is npm's cache of the installed tree, not a lockfile. */
export function detectPackageLock(path: string): boolean {
  return LOCKFILE_NAMES.has(path.split(/[\\/]/).pop() ?? '');
}

/**
 * Reads a package-lock.json / npm-shrinkwrap.json: v2 and v3 from `packages`
 * (v2 also carries v1's `dependencies`, which is then ignored), v1 from the
 * nested `dependencies`. Never throws on bad input: a malformed file yields an
 * error plus every entry that could still be read.
 */
export function extractPackageLock(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  if (isShadowedByShrinkwrap(input)) return result;
  const document = parseJsonDocument(input.path, input.text, {
    maxDepth: MAX_NESTING,
    allowByteOrderMark: false,
    messages: {
      invalid: (detail) => `package lockfile is not valid JSON: ${detail}`,
      tooDeep: (limit) => `package lockfile nests deeper than ${limit} levels`,
    },
  });
  result.errors.push(...document.errors);
  const root = document.root;
  if (!root) return result;
  if (root.type !== 'object') {
    if (document.errors.length === 0) result.errors.push(parseError(input.path, document.lineAt(root.offset), `package lockfile must be a JSON object, found ${root.type}`));
    return result;
  }
  const context: Context = { path: input.path, document, result };
  const packages = propertyValue(root, 'packages');
  if (packages?.type === 'object') {
    readPackages(packages, context);
  } else {
    const dependencies = propertyValue(root, 'dependencies');
    if (dependencies?.type === 'object') readDependencies(dependencies, context);
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

interface Context {
  path: string;
  document: JsonDocument;
  result: ExtractResult;
}

/** v2/v3: one entry per install folder, so the same name@version may rightly appear several times. */
function readPackages(packages: JsonNode, context: Context): void {
  for (const { key, value, offset } of properties(packages)) {
    // "" is the project itself; paths without node_modules/ are workspace or file: folders.
    if (key === '' || value?.type !== 'object') continue;
    const installName = installNameOf(key);
    if (installName === null) continue;
    const location = { path: context.path, line: context.document.lineAt(offset) };
    const parsed = PackageLockPackage.safeParse(scalarFields(value));
    if (!parsed.success) {
      context.result.errors.push(invalidEntry(`entry "${key}"`, location, parsed.error.issues));
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
    push(context.result, extracted);
  }
}

/** v1: `dependencies` keyed by install name, nesting further `dependencies` for conflicting versions. */
function readDependencies(top: JsonNode, context: Context): void {
  // Depth-first in file order without recursion: nesting depth is attacker-controlled.
  const pending = properties(top).reverse();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { key, value, offset } = next;
    if (value?.type !== 'object') continue;
    const location = { path: context.path, line: context.document.lineAt(offset) };
    if (key === '') {
      context.result.errors.push(new ChainwatchError('parse-error', 'dependency entry has an empty name', { location }));
      continue;
    }
    const parsed = PackageLockDependency.safeParse(scalarFields(value));
    if (parsed.success) {
      readDependency(key, parsed.data, location, context.result);
    } else {
      context.result.errors.push(invalidEntry(`entry "${key}"`, location, parsed.error.issues));
    }
    const children = propertyValue(value, 'dependencies');
    if (children?.type === 'object') {
      const nested = properties(children);
      for (let index = nested.length - 1; index >= 0; index--) pending.push(nested[index]!);
    }
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

/** The value of an object's property; JSON.parse keeps the last of duplicate keys, so do we. */
function propertyValue(object: JsonNode, key: string): JsonNode | undefined {
  return properties(object).findLast((property) => property.key === key)?.value;
}

/** An entry's scalar fields only: its nested `dependencies` tree is walked separately, never copied. */
function scalarFields(object: JsonNode): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const { key, value } of properties(object)) {
    if (value && value.type !== 'object' && value.type !== 'array') fields[key] = value.value;
  }
  return fields;
}

function parseError(path: string, line: number, message: string): ChainwatchError {
  return new ChainwatchError('parse-error', message, { location: { path, line } });
}
