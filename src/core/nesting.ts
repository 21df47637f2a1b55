/**
 * How deep a JSON or YAML text nests, found in one pass over the text before
 * any parser sees it. Parsers recurse once per level: jsonc-parser exceeds the
 * call stack on 20 KB of `[[[[`, and the `yaml` library, which catches its own
 * overflow, can still take the process down near the end of the stack (V8's
 * "RegExpCompiler Allocation failed"), where no catch helps. So every reader
 * of JSON or YAML that chainwatch is given refuses text deeper than its limit
 * first. Hand-written: no library answers "how deep" without parsing.
 */

/**
 * The offset of the first `[` or `{` that opens level `limit + 1`, or null.
 * One pass; strings (with escapes) and comments are skipped, as the parser does.
 */
export function jsonNestingExceeds(text: string, limit: number): number | null {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text.charCodeAt(index);
    if (character === 0x22 /* " */) {
      for (index++; index < text.length; index++) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c /* \ */) index++;
        else if (inner === 0x22 || inner === 0x0a) break;
      }
    } else if (character === 0x2f /* / */ && text.charCodeAt(index + 1) === 0x2f) {
      const end = text.indexOf('\n', index);
      index = end === -1 ? text.length : end;
    } else if (character === 0x2f && text.charCodeAt(index + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? text.length : end + 1;
    } else if (character === 0x5b /* [ */ || character === 0x7b /* { */) {
      if (++depth > limit) return index;
    } else if (character === 0x5d /* ] */ || character === 0x7d /* } */) {
      if (depth > 0) depth--;
    }
  }
  return null;
}

/**
 * The line (1-based) where YAML text goes deeper than `limit` levels of
 * nesting, or null. One pass over the lines, an upper bound of what the YAML
 * library's recursion will meet: block levels by indentation (and `- - -`
 * sequences on one line), flow collections by their brackets. Block scalars
 * (`|`, `>`) and quoted strings are skipped; a bracket inside a plain scalar
 * is not counted (it is not at the start of a value). A multi-line plain
 * scalar whose continuation lines indent further counts a level per step,
 * which overestimates only for text no configuration file has.
 *
 * Why not catch the parser's RangeError: it catches it itself, but near the
 * end of the stack V8 can also fail to compile a regular expression the
 * parser runs, which ends the process ("RegExpCompiler Allocation failed"),
 * and no catch helps then. Text this deep must not reach the parser at all.
 */
export function yamlNestingExceeds(text: string, limit: number): number | null {
  const lines = text.split(/\r\n|\r|\n/);
  const indents: number[] = [];
  /** Block scalar content: lines indented deeper than this column (or blank). -1: not in one. */
  let scalarParent = -1;
  const flow = { depth: 0, base: 0, quote: '' as '' | '"' | "'", atValueStart: true };

  /** Scans flow-collection text from `from`; true when the depth passes the limit. */
  const scanFlow = (line: string, from: number): boolean => {
    for (let index = from; index < line.length; index++) {
      const character = line[index]!;
      if (flow.quote === '"') {
        if (character === '\\') index++;
        else if (character === '"') flow.quote = '';
        continue;
      }
      if (flow.quote === "'") {
        if (character === "'" && line[index + 1] === "'") index++;
        else if (character === "'") flow.quote = '';
        continue;
      }
      if (character === '#' && (index === 0 || line[index - 1] === ' ' || line[index - 1] === '\t')) return false;
      if (character === '[' || character === '{') {
        flow.depth++;
        flow.atValueStart = true;
        if (flow.base + flow.depth > limit) return true;
      } else if (character === ']' || character === '}') {
        flow.depth--;
        flow.atValueStart = false;
        if (flow.depth === 0) return false;
      } else if (character === ',' || character === ':') {
        flow.atValueStart = true;
      } else if ((character === '"' || character === "'") && flow.atValueStart) {
        flow.quote = character;
      } else if (character !== ' ' && character !== '\t') {
        flow.atValueStart = false;
      }
    }
    return false;
  };

  for (let number = 0; number < lines.length; number++) {
    const line = lines[number]!;
    if (flow.depth > 0) {
      if (scanFlow(line, 0)) return number + 1;
      continue;
    }
    let indent = 0;
    while (line[indent] === ' ') indent++;
    const empty = indent === line.length || /^\s*$/.test(line);
    if (scalarParent >= 0) {
      if (empty || indent > scalarParent) continue;
      scalarParent = -1;
    }
    if (empty || line[indent] === '#' || line[0] === '%') continue;
    if (line.startsWith('---') || line.startsWith('...')) {
      indents.length = 0;
      continue;
    }
    while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
    indents.push(indent);
    // `- - - value`: a sequence level per marker.
    let column = indent;
    let lastMarker = -1;
    while (line[column] === '-' && (column + 1 === line.length || line[column + 1] === ' ')) {
      lastMarker = column;
      column++;
      while (line[column] === ' ') column++;
      indents.push(column);
    }
    if (indents.length > limit) return number + 1;
    // The value: after `key: ` when the line has a key, else right here.
    let keyColumn = -1;
    let start = column;
    let cursor = column;
    if (line[cursor] === '"' || line[cursor] === "'") {
      const close = line.indexOf(line[cursor]!, cursor + 1);
      cursor = close === -1 ? line.length : close + 1;
    }
    for (; cursor < line.length; cursor++) {
      if (line[cursor] === '#' && (line[cursor - 1] === ' ' || line[cursor - 1] === '\t')) break;
      if (line[cursor] === ':' && (cursor + 1 === line.length || line[cursor + 1] === ' ' || line[cursor + 1] === '\t')) {
        keyColumn = column;
        start = cursor + 1;
        break;
      }
    }
    while (line[start] === ' ' || line[start] === '\t') start++;
    // Anchors and tags before the value: `&name [`, `!tag {`.
    while ((line[start] === '&' || line[start] === '!') && start < line.length) {
      while (start < line.length && line[start] !== ' ') start++;
      while (line[start] === ' ') start++;
    }
    const first = line[start];
    if (first === '|' || first === '>') {
      scalarParent = keyColumn >= 0 ? keyColumn : lastMarker >= 0 ? lastMarker : indent;
    } else if (first === '[' || first === '{') {
      flow.base = indents.length;
      flow.quote = '';
      flow.atValueStart = true;
      if (scanFlow(line, start)) return number + 1;
    }
  }
  return null;
}
