import { excerpt } from '../../core/excerpt.js';
import { keyLine, parseJsonDocument, property, stringValue, type JsonPath } from '../common/json-document.js';
import { originOf } from '../common/npm-source.js';
import { addError, addErrors } from '../common/result.js';
import { nodeModules as detection } from '../detection.js';
import type { ExtractedPackage, ExtractInput, ExtractResult, Extractor } from '../types.js';

/** The only members read: a package's manifest can be large (`readme` in old installs, `exports` maps), none of the rest is built. */
const READ_FIELDS: ReadonlySet<string> = new Set(['name', 'version', 'private', '_resolved']);

function isRead(path: JsonPath): boolean {
  return path.length === 1 && READ_FIELDS.has(String(path[0]));
}

/** npm's name rules (validate-npm-package-name, for names that may be installed): at most 214 characters, no spaces, `@scope/name` or `name`. */
const PACKAGE_NAME = /^(?:@[^\s/@]+\/)?[^\s/@][^\s/]*$/;

/** The folder the package is installed under: `node_modules/<this>/package.json`, `node_modules/@scope/<this>/package.json`. */
function installName(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
  const folder = parts.at(-2) ?? '';
  const scope = parts.at(-3) ?? '';
  return scope.startsWith('@') ? `${scope}/${folder}` : folder;
}

/**
 * Where the package came from, when its manifest says: npm 6 and older wrote
 * `_resolved` into installed manifests (a git URL with its commit, a local
 * `file:` path); `"private": true` is a workspace member or the project's own
 * code linked in, never a registry package. Anything else is a registry
 * package: npm 7+ writes nothing of the request into the manifest.
 */
function originOfManifest(resolved: string | undefined, isPrivate: boolean): Pick<ExtractedPackage, 'source' | 'commit'> {
  if (isPrivate) return { source: 'path' };
  if (resolved === undefined) return { source: 'registry' };
  const origin = originOf(resolved);
  if (origin.kind === 'git') return origin.commit === undefined ? { source: 'git' } : { source: 'git', commit: origin.commit };
  if (origin.kind === 'local') return { source: 'path' };
  return { source: 'registry' };
}

function extract(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const document = parseJsonDocument(input.path, input.text, { keep: isRead });
  addErrors(result.errors, document.errors);
  const root = document.root;
  if (!root) return result;
  if (root.type !== 'object') {
    addError(result.errors, 'parse-error', 'a package.json must be a JSON object', { path: input.path, line: document.lineAt(root.offset) });
    return result;
  }
  const nameNode = property(root, 'name');
  const name = stringValue(nameNode)?.trim();
  if (!name || nameNode === undefined) {
    // A file cut short already has its syntax error: one error is enough.
    if (document.errors.length > 0) return result;
    addError(result.errors, 'parse-error', 'package.json has no "name": not an installed package', { path: input.path, line: document.lineAt(root.offset) });
    return result;
  }
  const location = { path: input.path, line: keyLine(document, nameNode) };
  if (name.length > 214 || !PACKAGE_NAME.test(name)) {
    addError(result.errors, 'parse-error', `"${excerpt(name)}" is not an npm package name`, location);
    return result;
  }
  const version = stringValue(property(root, 'version'))?.trim() || null;
  const isPrivate = property(root, 'private')?.value === true;
  const extracted: ExtractedPackage = { ecosystem: 'npm', name, version, location, ...originOfManifest(stringValue(property(root, '_resolved')), isPrivate) };
  // `npm install alias@npm:real@1.0.0` installs `real`'s files under node_modules/alias.
  const folder = installName(input.path);
  if (folder !== '' && folder !== name) extracted.qualifiers = { alias: folder };
  result.packages.push(extracted);
  if (version === null) result.notScannable.push({ name, reason: 'package.json has no "version"', location });
  return result;
}

export const extractor: Extractor = { ...detection, extract };
