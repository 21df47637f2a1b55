import { keyLineDescriptors, splitDescriptors } from './key-lines.js';

/**
 * A fast reader for the exact YAML subset that Yarn Berry itself writes into
 * yarn.lock (`stringifySyml` in @yarnpkg/parsers): two-space indentation,
 * `key: value` / `key:` + nested mapping, scalars either plain (no `:`, `#`,
 * brackets...) or JSON-quoted. Everything is a string, as parseSyml's
 * FAILSAFE schema makes it.
 *
 * Why hand-written: parseSyml hands Berry files to js-yaml, a general YAML
 * parser that dominated scan time on large monorepo lockfiles (jupyterlab's
 * 1,993 entries). This reader accepts only lines whose meaning is
 * unambiguous and identical under YAML; on anything else (flow collections,
 * lists, anchors, long `? key` forms, tabs, odd indentation, trailing
 * comments, hand edits) it returns null and the caller uses parseSyml, so the
 * result is always parseSyml's. A test checks both agree on every real
 * lockfile and on random stringifySyml output.
 */

/** Same as @yarnpkg/parsers' simpleStringPattern: what stringifySyml leaves unquoted. */
const PLAIN_SCALAR = /^(?![-?:,\][{}#&*!|>'"%@` \t\r\n]).([ \t]*(?![,\][{}:# \t\r\n]).)*$/;

type Mapping = { [key: string]: string | Mapping };

function readScalar(text: string): string | null {
  if (text.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'string' ? value : null;
    } catch {
      return null;
    }
  }
  return PLAIN_SCALAR.test(text) ? text : null;
}

/** Splits `key: value` / `key:` at the mapping colon; null when the line is outside the subset. */
function splitKey(content: string): { key: string; rest: string; value?: string } | null {
  if (content.startsWith('"')) {
    // A JSON-quoted key: find its closing quote (skipping escapes), then `:`.
    let index = 1;
    while (index < content.length) {
      const char = content[index];
      if (char === '\\') index += 2;
      else if (char === '"') break;
      else index += 1;
    }
    if (index >= content.length || content[index + 1] !== ':') return null;
    const key = readScalar(content.slice(0, index + 1));
    return key === null ? null : { key, rest: content.slice(index + 2) };
  }
  const colon = content.indexOf(':');
  if (colon <= 0) return null;
  const key = content.slice(0, colon);
  if (!PLAIN_SCALAR.test(key)) return null;
  return { key, rest: content.slice(colon + 1) };
}

/**
 * The lines Yarn writes most, read by one regular expression: a key quoted
 * without escapes or plain (a letter, digit or `_`, then no blank and nothing
 * YAML reserves), `:`, and nothing, or a value of the same two kinds. What it
 * matches, splitKey and readScalar read the same way (a JSON string without
 * `\\` or control characters is its inner text); any other line goes to them.
 */
// eslint-disable-next-line no-control-regex -- a JSON string may not hold a control character: such a line is left to JSON.parse
const COMMON_LINE = /(?:"([^"\\\x00-\x1f]*)"|([A-Za-z0-9_][A-Za-z0-9_./@^~<>=+-]*)):(?: (?:"([^"\\\x00-\x1f]*)"|([A-Za-z0-9_][A-Za-z0-9_./@^~<>=+-]*)))?/y;

/** COMMON_LINE without its groups: whether the line has a common shape, without building its key and value. */
// eslint-disable-next-line no-control-regex -- as COMMON_LINE
const COMMON_LINE_SHAPE = /(?:"[^"\\\x00-\x1f]*"|[A-Za-z0-9_][A-Za-z0-9_./@^~<>=+-]*):(?: (?:"[^"\\\x00-\x1f]*"|[A-Za-z0-9_][A-Za-z0-9_./@^~<>=+-]*))?/y;

function isCommonLine(text: string, from: number, to: number): boolean {
  COMMON_LINE_SHAPE.lastIndex = from;
  return COMMON_LINE_SHAPE.test(text) && COMMON_LINE_SHAPE.lastIndex === to;
}

function commonLine(text: string, from: number, to: number): { key: string; rest: string; value?: string } | null {
  COMMON_LINE.lastIndex = from;
  const match = COMMON_LINE.exec(text);
  if (match === null || COMMON_LINE.lastIndex !== to) return null;
  const key = match[1] ?? match[2]!;
  const value = match[3] ?? match[4];
  return value === undefined ? { key, rest: '' } : { key, rest: ' ', value };
}

/** Plain assignment to `__proto__` would set the prototype: define it as an own property, as js-yaml does. */
function setEntry(target: Mapping, key: string, value: string | Mapping): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** What the fast path read, besides parseSyml's value: what extractYarnLock would otherwise find in more passes over the text. */
export interface BerryFastPath {
  /** What parseSyml returns for the text (with `entryFields`, only those fields). */
  value: Record<string, unknown>;
  /** Each descriptor a top-level key line lists → the first such line, as key-lines.ts `indexKeyLines` finds them. */
  lineOf: Map<string, number>;
  /** The deepest level met: 0 when every key is top-level. */
  deepest: number;
}

export function parseBerryFastPath(text: string): Record<string, unknown> | null {
  return readBerryFastPath(text)?.value ?? null;
}

/**
 * The fast path in one pass over the text, or null when it declines (see
 * above). With `entryFields`, every line is still read (what is accepted or
 * declined does not change) but only these fields of each entry are kept: a
 * field whose value is a mapping is kept as an empty one, and nothing deeper
 * (`dependencies`, `checksum`, … of two thousand entries) is built.
 */
export function readBerryFastPath(text: string, entryFields?: ReadonlySet<string>): BerryFastPath | null {
  const root: Mapping = {};
  const lineOf = new Map<string, number>();
  // stack[depth] (depth < stackSize) is the mapping that lines indented by 2*depth spaces belong to (null: read, not kept).
  const stack: (Mapping | null)[] = [root];
  let stackSize = 1;
  const keeps = (depth: number, key: string): boolean => entryFields === undefined || depth === 0 || (depth === 1 && entryFields.has(key));
  // A `key:` line with nothing after it must be followed by a deeper mapping.
  let pendingParentDepth = -1;
  let deepest = 0;
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber += 1;
    const lineStart = start;
    start = end + 1;
    const lineEnd = end > lineStart && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (lineEnd === lineStart || text.charCodeAt(lineStart) === 35) continue;
    let spaces = 0;
    while (text.charCodeAt(lineStart + spaces) === 32 && lineStart + spaces < lineEnd) spaces += 1;
    if (spaces % 2 !== 0) return null;
    const depth = spaces / 2;
    const contentStart = lineStart + spaces;
    if (contentStart === lineEnd || text.charCodeAt(contentStart) === 35) continue;
    if (pendingParentDepth >= 0) {
      if (depth !== pendingParentDepth + 1) return null;
      pendingParentDepth = -1;
    } else if (depth >= stackSize) {
      return null;
    }
    if (depth > deepest) deepest = depth;
    stackSize = depth + 1;
    const target = stack[depth]!;
    // A line nothing is kept of (the `dependencies` of an entry) is only checked, when its shape is a common one.
    if (target === null && isCommonLine(text, contentStart, lineEnd)) {
      if (text.charCodeAt(lineEnd - 1) === 58 /* : */) {
        stack[stackSize++] = null;
        pendingParentDepth = depth;
      }
      continue;
    }
    const parts = commonLine(text, contentStart, lineEnd) ?? splitKey(text.slice(contentStart, lineEnd));
    if (!parts) return null;
    if (parts.rest === '') {
      let child: Mapping | null = null;
      if (target !== null && keeps(depth, parts.key)) {
        child = {};
        setEntry(target, parts.key, child);
      }
      stack[stackSize++] = child === null || (entryFields !== undefined && depth >= 1) ? null : child;
      pendingParentDepth = depth;
      // An entry's key line `"a@npm:1, a@npm:^1":` lists the whole key and each descriptor in it.
      if (depth === 0) indexKeyLine(lineOf, [parts.key, ...splitDescriptors(parts.key)], lineNumber);
      continue;
    }
    if (!parts.rest.startsWith(' ')) return null;
    const value = parts.value ?? readScalar(parts.rest.slice(1));
    if (value === null) return null;
    if (target !== null && keeps(depth, parts.key)) setEntry(target, parts.key, value);
    // A top-level `key: value` line: rare enough to index exactly as indexKeyLines does.
    if (depth === 0) indexKeyLine(lineOf, keyLineDescriptors(text.slice(lineStart, end)), lineNumber);
  }
  // A trailing `key:` with no children is `null` in YAML: leave that to parseSyml.
  if (pendingParentDepth >= 0) return null;
  return { value: root, lineOf, deepest };
}

function indexKeyLine(lineOf: Map<string, number>, descriptors: readonly string[], line: number): void {
  for (const descriptor of descriptors) if (!lineOf.has(descriptor)) lineOf.set(descriptor, line);
}
