import { posix } from 'node:path';
import { ChainwatchError, type ErrorCode } from '../../core/errors.js';
import { excerpt } from '../../core/excerpt.js';
import { normalizeName } from '../../core/package.js';
import { parseRequirement, type Pep508Requirement } from '../../ecosystems/pypi/requirement.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { isFullCommit, looksLikePath, looksLikeUrl, parseDirectReference, type DirectReference } from './direct-reference.js';
import { logicalLines, splitRequirementAndOptions } from './logical-lines.js';
import { parseOptions } from './options.js';

/** File names that say the file is for development, tests, docs or linting, not for running the software. */
const DEV_FILE_NAME = /(?:^|[-_.])(?:dev|devel|develop|development|test|tests|testing|docs?|lint|linting)(?:[-_.]|$)/;

function isDevFile(path: string): boolean {
  const base = (path.toLowerCase().split(/[\\/]/).pop() ?? '').replace(/\.txt$/, '');
  return DEV_FILE_NAME.test(base);
}

/**
 * How deep `-r`/`-c` includes are followed (pip has no limit; real projects
 * nest two or three). Deeper includes are an error at the including line, so
 * a chain of thousands of files costs neither the call stack nor the time.
 */
export const MAX_INCLUDE_DEPTH = 64;

/** Input quoted in a message: a bounded excerpt (control characters already escaped), never a whole line. */
function quoted(text: string): string {
  return `"${excerpt(text)}"`;
}

const ENVIRONMENT_VARIABLES = /\$\{[A-Za-z0-9_]+\}/g;
const HAS_ENVIRONMENT_VARIABLE = /\$\{[A-Za-z0-9_]+\}/;

interface FileContext {
  /** The path reported for this file. */
  path: string;
  /** Where this file is, relative to the root file's directory (what `readRelated` expects). */
  relativePath: string;
  dev: boolean;
}

/**
 * Reads a pip requirements file and the files it includes with `-r` and `-c`.
 * Never throws on bad input: bad lines, missing includes and include loops are
 * `errors`; everything that is not an exact pin is in `notScannable`.
 */
export function extractRequirementsTxt(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const rootRelative = posix.basename(input.path.replace(/\\/g, '/'));
  /** Files being read, innermost last: including one of these again is a loop. */
  const stack: FileContext[] = [];
  /** Files already read completely (a file included twice, not in a loop, is read once). */
  const done = new Set<string>();

  readFile({ path: input.path, relativePath: rootRelative, dev: isDevFile(input.path) }, input.text);
  return result;

  function identities(file: FileContext): string[] {
    return [file.path, posix.normalize(file.relativePath)];
  }

  function readFile(file: FileContext, text: string): void {
    stack.push(file);
    for (const logical of logicalLines(text)) readLine(file, logical.line, logical.text);
    stack.pop();
    for (const identity of identities(file)) done.add(identity);
  }

  function error(code: ErrorCode, message: string, path: string, line: number, cause?: unknown) {
    result.errors.push(new ChainwatchError(code, message, { location: { path, line }, ...(cause === undefined ? {} : { cause }) }));
  }

  function readLine(file: FileContext, line: number, text: string): void {
    const { requirement, options } = splitRequirementAndOptions(text);
    if (requirement !== '') {
      // Options after a requirement (`--hash`, `--config-settings`, `-C`) do not change what is installed.
      readRequirement(file, line, requirement);
      return;
    }
    for (const option of parseOptions(options)) {
      if (!option.ok) {
        error('parse-error', option.message, file.path, line);
        continue;
      }
      if (option.value === undefined) continue;
      if (option.kind === 'requirement' || option.kind === 'constraint') include(file, line, option.value);
      else if (option.kind === 'editable') readDirectReference(file, line, parseDirectReference(option.value), undefined);
    }
  }

  function include(from: FileContext, line: number, target: string): void {
    if (looksLikeUrl(target)) {
      error('unreadable-file', `included requirements file ${quoted(target)} is a URL; remote files are not fetched`, from.path, line);
      return;
    }
    if (stack.length >= MAX_INCLUDE_DEPTH) {
      error('include-too-deep', `included requirements file ${quoted(target)} is nested more than ${MAX_INCLUDE_DEPTH} includes deep; not followed`, from.path, line);
      return;
    }
    const relativePath = posix.isAbsolute(target) ? target : posix.normalize(posix.join(posix.dirname(from.relativePath), target));
    const candidate = { relativePath, path: relativePath };
    const inStack = (identity: string) => stack.some((open) => identities(open).includes(identity));
    if (inStack(posix.normalize(relativePath))) {
      error('include-loop', `including ${quoted(target)} again would loop`, from.path, line);
      return;
    }
    if (done.has(posix.normalize(relativePath))) return;
    const related = input.readRelated?.(relativePath) ?? null;
    if (related === null) {
      error('unreadable-file', `cannot read included requirements file ${quoted(target)}: it does not exist`, from.path, line);
      return;
    }
    if ('error' in related) {
      // Named by the path as written, never by where it led; the reason's own line is the included file's.
      const inner = related.error;
      const where = inner.code === 'invalid-encoding' && inner.location?.line !== undefined ? ` line ${inner.location.line}` : '';
      error(inner.code, `cannot read included requirements file ${quoted(target)}:${where} ${inner.message}`, from.path, line);
      return;
    }
    candidate.path = related.path;
    if (inStack(related.path)) {
      error('include-loop', `including ${quoted(target)} again would loop`, from.path, line);
      return;
    }
    if (done.has(related.path)) return;
    readFile({ ...candidate, dev: isDevFile(related.path) }, related.text);
  }

  function readRequirement(file: FileContext, line: number, text: string): void {
    if (looksLikeUrl(text) || (!/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@/.test(text) && looksLikePath(text))) {
      readDirectReference(file, line, parseDirectReference(text), undefined);
      return;
    }
    const location = { path: file.path, line };
    const parsed = parseRequirement(text, location);
    if (!parsed.ok) {
      const unexpanded = text.match(ENVIRONMENT_VARIABLES);
      const withoutVariables = unexpanded ? parseRequirement(text.replace(ENVIRONMENT_VARIABLES, '0'), location) : undefined;
      if (unexpanded && withoutVariables?.ok) {
        unpinned(file, line, withoutVariables.value.name, `uses environment variable ${excerpt(unexpanded.join(', '))}, which is not expanded`);
        return;
      }
      error('parse-error', `invalid requirement ${quoted(text)}: ${parserReason(parsed.error)}`, file.path, line);
      return;
    }
    const requirement = parsed.value;
    if (requirement.url !== undefined) {
      readDirectReference(file, line, parseDirectReference(requirement.url), requirement);
      return;
    }
    const pin = exactPin(requirement);
    if (pin === null) {
      const reason = requirement.specifier === '' ? 'no version specifier' : `${quoted(requirement.specifier)} is not an exact pin`;
      unpinned(file, line, requirement.name, reason);
      return;
    }
    if (HAS_ENVIRONMENT_VARIABLE.test(pin)) {
      unpinned(file, line, requirement.name, `uses environment variable ${excerpt(pin)}, which is not expanded`);
      return;
    }
    push(file, { ecosystem: 'PyPI', name: requirement.name, version: pin, location, source: 'registry' });
  }

  /** A URL, path or editable requirement; `named` is the PEP 508 `name @ url` form when there is one. */
  function readDirectReference(file: FileContext, line: number, reference: DirectReference, named: Pep508Requirement | undefined): void {
    const location = { path: file.path, line };
    const name = named?.name ?? reference.eggName ?? reference.wheel?.name;
    if (name === undefined) {
      result.notScannable.push({ name: excerpt(reference.text), reason: `${reference.local ? 'local path' : 'URL'} requirement without a package name`, location });
      return;
    }
    if (reference.vcs) {
      const commit = isFullCommit(reference.revision) ? reference.revision : undefined;
      const found: ExtractedPackage = {
        ecosystem: 'PyPI',
        name,
        version: null,
        location,
        source: reference.vcs === 'git' ? 'git' : 'unknown',
        ...(commit ? { commit } : {}),
        ...(reference.repository ? { qualifiers: { vcs_url: reference.repository } } : {}),
      };
      push(file, found, commit ? `${reference.vcs} requirement at commit ${commit}: no version` : `${reference.vcs} requirement without a pinned commit or version`);
      return;
    }
    const qualifiers = reference.local ? {} : { qualifiers: { download_url: reference.text } };
    // A wheel's file name carries the exact version; any other archive or directory does not.
    const version = reference.wheel && normalizeName('PyPI', reference.wheel.name) === normalizeName('PyPI', name) ? reference.wheel.version : null;
    push(
      file,
      { ecosystem: 'PyPI', name, version, location, source: reference.local ? 'path' : 'url', ...qualifiers },
      `${reference.local ? 'local path' : 'URL'} requirement without a version`,
    );
  }

  function unpinned(file: FileContext, line: number, name: string, reason: string): void {
    push(file, { ecosystem: 'PyPI', name, version: null, location: { path: file.path, line }, source: 'registry' }, reason);
  }

  /** Records a package; one without a version is also listed as not scannable, with the reason. */
  function push(file: FileContext, found: ExtractedPackage, reasonIfUnversioned?: string): void {
    if (file.dev) found.dev = true;
    result.packages.push(found);
    if (found.version === null) {
      result.notScannable.push({ name: found.name, reason: reasonIfUnversioned ?? 'no version', location: found.location });
    }
  }
}

/**
 * The PEP 508 parser's reason without its quote of the input (it quotes up
 * to 200 characters); the message quotes a bounded excerpt instead.
 */
function parserReason(parseError: ChainwatchError): string {
  const column = parseError.location?.column;
  const quoteStart = column === undefined ? -1 : parseError.message.indexOf(` (column ${column} of `);
  const reason = quoteStart === -1 ? parseError.message : `${parseError.message.slice(0, quoteStart)} (column ${column})`;
  return excerpt(reason, 120);
}

/** `==1.2.3` or `===1.2.3` (not `==1.*`) anywhere in the set pins the version; returned as written. */
function exactPin(requirement: Pep508Requirement): string | null {
  for (const specifier of requirement.specifierSet.specifiers) {
    if (specifier.operator === '===' || (specifier.operator === '==' && !specifier.version.endsWith('.*'))) return specifier.version;
  }
  return null;
}
