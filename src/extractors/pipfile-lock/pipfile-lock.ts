import { excerpt } from '../../core/excerpt.js';
import { isIntact, parseJsonDocument, plainValue, properties, readBeforeError, type JsonNode, type JsonPath } from '../common/json-document.js';
import { locationOf } from '../common/location.js';
import { addError, addErrors, addPackage } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { PipfileLockEntry } from './schema.js';

/** Every Pipfile.lock pipenv writes has at least one of these. */
const KNOWN_SECTIONS: ReadonlySet<string> = new Set(['_meta', 'default', 'develop']);

const FULL_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const EXACT_PIN = /^===?\s*(\S+)$/;

/** The fields of an entry that are read (PipfileLockEntry): hashes and markers are never built. */
const ENTRY_FIELDS: ReadonlySet<string> = new Set(['version', 'git', 'ref', 'path', 'file']);

/** Sections, their entries and the entries' fields; of `_meta`, only that it is there. */
function isRead(path: JsonPath): boolean {
  if (path[0] === '_meta') return path.length === 1;
  return path.length <= 2 || (path.length === 3 && ENTRY_FIELDS.has(String(path[2])));
}

/**
 * Reads the package sections of a Pipfile.lock: `default` (runtime), `develop`
 * (dev) and any custom pipenv category (also not installed by default, so dev).
 * Never throws on bad input.
 */
export function extractPipfileLock(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const parseError = (message: string, line: number | undefined): void =>
    addError(result.errors, 'parse-error', message, locationOf(input.path, line));

  const document = parseJsonDocument(input.path, input.text, {
    keep: isRead,
    messages: {
      invalid: (detail) => `Pipfile.lock is not valid JSON: ${detail}`,
      tooDeep: (limit) => `Pipfile.lock is not valid JSON: nesting deeper than ${limit} levels`,
    },
  });
  addErrors(result.errors, document.errors);
  // Only what was read before a syntax error counts: jsonc-parser's recovery past it is a guess.
  const members = (node: JsonNode): Member[] =>
    properties(node).flatMap(({ key, value, offset }) => (value && readBeforeError(document, value) ? [{ key, value, line: document.lineAt(offset) }] : []));
  const root = document.root;
  if (root === undefined || !readBeforeError(document, root)) return result;
  if (root.type !== 'object') {
    parseError('Pipfile.lock is not a JSON object', document.lineAt(root.offset));
    return result;
  }
  const sections = members(root);
  if (document.errors.length === 0 && !sections.some((section) => KNOWN_SECTIONS.has(section.key))) {
    // `{}` or a million keys of something else: say so rather than report an empty project.
    const message = 'no "_meta", "default" or "develop": not a Pipfile.lock';
    addError(result.errors, 'unsupported-format', message, locationOf(input.path, document.lineAt(root.offset)));
    return result;
  }

  for (const section of sections) {
    if (section.key === '_meta') continue;
    if (section.value.type !== 'object') {
      parseError(`section "${excerpt(section.key)}" is not an object`, section.line);
      continue;
    }
    const dev = section.key !== 'default';
    for (const member of members(section.value)) {
      // An entry cut off by a syntax error is not trusted: its version may be missing only because of the cut.
      if (member.value.type === 'object' && !isIntact(document, member.value)) continue;
      readEntry(member, dev);
    }
  }
  return result;

  function readEntry(member: Member, dev: boolean): void {
    const location = locationOf(input.path, member.line);
    const entry = PipfileLockEntry.safeParse(plainValue(member.value));
    if (member.value.type !== 'object' || !entry.success || member.key.length === 0) {
      parseError(`package entry "${excerpt(member.key)}" is not an object with a name`, member.line);
      return;
    }
    const locked = entry.data;
    const pin = locked.version === undefined ? null : EXACT_PIN.exec(locked.version.trim());
    const extracted: ExtractedPackage = {
      ecosystem: 'PyPI',
      name: member.key,
      version: pin ? pin[1]! : null,
      location,
      ...sourceOf(locked),
    };
    if (dev) extracted.dev = true;
    addPackage(result, extracted, locked.version === undefined ? 'no version in the lock entry' : `version "${excerpt(locked.version)}" is not an exact pin`);
  }
}

interface Member {
  key: string;
  value: JsonNode;
  /** Line of the member's key. */
  line: number;
}

function sourceOf(entry: PipfileLockEntry): Pick<ExtractedPackage, 'source' | 'commit' | 'qualifiers'> {
  if (entry.git !== undefined) {
    // `ref` is whatever the Pipfile asked for; only a full SHA identifies a commit.
    const commit = entry.ref !== undefined && FULL_COMMIT.test(entry.ref) ? entry.ref : undefined;
    return { source: 'git', ...(commit ? { commit } : {}), qualifiers: { vcs_url: entry.git } };
  }
  if (entry.file !== undefined) {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry.file) && !entry.file.startsWith('file:')
      ? { source: 'url', qualifiers: { download_url: entry.file } }
      : { source: 'path' };
  }
  if (entry.path !== undefined) return { source: 'path' };
  return { source: 'registry' };
}
