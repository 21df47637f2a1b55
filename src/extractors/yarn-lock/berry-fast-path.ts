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
function splitKey(content: string): { key: string; rest: string } | null {
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

/** Plain assignment to `__proto__` would set the prototype: define it as an own property, as js-yaml does. */
function setEntry(target: Mapping, key: string, value: string | Mapping): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function parseBerryFastPath(text: string): Record<string, unknown> | null {
  const root: Mapping = {};
  // stack[depth] is the mapping that lines indented by 2*depth spaces belong to.
  const stack: Mapping[] = [root];
  // A `key:` line with nothing after it must be followed by a deeper mapping.
  let pendingParentDepth = -1;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '' || line.startsWith('#')) continue;
    let spaces = 0;
    while (line.charCodeAt(spaces) === 32) spaces += 1;
    if (spaces % 2 !== 0) return null;
    const depth = spaces / 2;
    const content = line.slice(spaces);
    if (content === '' || content.startsWith('#')) continue;
    if (pendingParentDepth >= 0) {
      if (depth !== pendingParentDepth + 1) return null;
      pendingParentDepth = -1;
    } else if (depth >= stack.length) {
      return null;
    }
    stack.length = depth + 1;
    const parts = splitKey(content);
    if (!parts) return null;
    const target = stack[depth]!;
    if (parts.rest === '') {
      const child: Mapping = {};
      setEntry(target, parts.key, child);
      stack.push(child);
      pendingParentDepth = depth;
      continue;
    }
    if (!parts.rest.startsWith(' ')) return null;
    const value = readScalar(parts.rest.slice(1));
    if (value === null) return null;
    setEntry(target, parts.key, value);
  }
  // A trailing `key:` with no children is `null` in YAML: leave that to parseSyml.
  if (pendingParentDepth >= 0) return null;
  return root;
}
