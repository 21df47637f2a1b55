/**
 * Where each entry of a yarn.lock starts. parseSyml returns no positions, so
 * the lines come from the text: every entry key starts in column 0, and each
 * descriptor its key lists is looked up by name. The Berry fast path
 * (berry-fast-path.ts) collects the same index while it reads.
 */

/** `a@1, "a@^1"` and Berry's single `"a@npm:1, a@npm:^1"` both list descriptors split by `, `. */
export function splitDescriptors(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export interface KeyLines {
  /** Each descriptor of each top-level key → the 1-based line of that key. */
  lineOf: Map<string, number>;
  /** 1-based lines where top-level entries start, in order. */
  starts: number[];
  /** How many lines the text has (the empty one after a final line break included). */
  lineCount: number;
}

/**
 * parseSyml returns no positions, so the lines of entries come from the text:
 * every entry key starts in column 0 (comments and `:` continuation lines aside).
 */
export function indexKeyLines(text: string): KeyLines {
  const lineOf = new Map<string, number>();
  const starts: number[] = [];
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    line++;
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const first = text.charCodeAt(start);
    // Skip indented lines, blank lines, comments and a complex key's `:` line.
    if (start < end && first !== 0x20 && first !== 0x09 && first !== 0x23 && first !== 0x0d && first !== 0x3a) {
      starts.push(line);
      for (const descriptor of keyLineDescriptors(text.slice(start, end))) if (!lineOf.has(descriptor)) lineOf.set(descriptor, line);
    }
    start = end + 1;
  }
  return { lineOf, starts, lineCount: line };
}

/** The descriptors a key line lists, unquoted as parseSyml unquotes them. */
export function keyLineDescriptors(rawLine: string): string[] {
  let text = rawLine.replace(/\r$/, '');
  const descriptors: string[] = [];
  if (text.startsWith('? ')) {
    text = text.slice(2);
  } else if (!text.trimEnd().endsWith(':')) {
    // `key value` (v1) or `key: value` (Berry): a scalar entry, which parseSyml keys by its first token.
    const key = /^("(?:[^"\\]|\\.)*"|[^\s:]+)/.exec(text)?.[1];
    if (key !== undefined) descriptors.push(key.startsWith('"') ? unquote(key) : key);
  } else {
    text = text.trimEnd().replace(/:$/, '');
  }
  let at = 0;
  while (at < text.length) {
    while (text[at] === ' ') at++;
    if (at >= text.length) break;
    let token: string;
    if (text[at] === '"') {
      let close = at + 1;
      while (close < text.length && text[close] !== '"') close += text[close] === '\\' ? 2 : 1;
      token = unquote(text.slice(at, close + 1));
      at = close + 1;
    } else {
      let comma = text.indexOf(',', at);
      if (comma === -1) comma = text.length;
      token = text.slice(at, comma).trim();
      at = comma;
    }
    while (text[at] === ' ') at++;
    if (text[at] === ',') at++;
    // The whole token too: parseSyml keys are whole tokens (v1) or whole lines (Berry), even odd ones.
    descriptors.push(token);
    for (const descriptor of splitDescriptors(token)) descriptors.push(descriptor);
  }
  return descriptors;
}

function unquote(quoted: string): string {
  try {
    const value: unknown = JSON.parse(quoted);
    if (typeof value === 'string') return value;
  } catch {
    // Not JSON-quoted after all: fall back to the raw text between the quotes.
  }
  return quoted.slice(1, -1);
}
