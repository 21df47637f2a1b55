/**
 * A reader for the plain block YAML that advisory databases are written in
 * (PyYAML's output, as in pypa/advisory-database): block mappings with plain
 * keys, block sequences (indented or not, `- key: value` compact mappings),
 * plain, single- and double-quoted scalars over several lines, literal block
 * scalars (`|`, `|-`, `|+`, `|2-`), and `[]` / `{}`. It gives exactly what
 * the `yaml` library gives with YAML_OPTIONS (failsafe schema plus core null
 * and bool: every other scalar stays a string), or `undefined` as soon as the
 * text uses anything else (anchors, tags, comments, flow collections, folded
 * scalars, tabs, CR, blank lines between entries, keys that are not plain
 * words…), and the caller then asks the library, which also reports errors.
 * It never accepts a text the library rejects.
 *
 * Why hand-written: the library spends about 1 ms per PyPA record building
 * its document model (2,661 records: 2.7 s of CPU, nine tenths of a
 * directory import); this reads the same records about thirty times faster.
 * yaml-subset.test.ts holds it to the library on every shared record, on
 * generated documents in every style it reads, and on mutated ones.
 */

type Value = null | boolean | string | Value[] | { [key: string]: Value };

/** Thrown (and caught at the top) when the text leaves the subset. */
class OutsideSubset extends Error {}
const outside = new OutsideSubset();

function bail(): never {
  throw outside;
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** A plain key: a word, then `:` and a space or the end of the line. */
const KEY = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: +|$)/;
/** Characters a plain scalar may not start with (YAML indicators); quotes, `|`, `[` and `{` are handled before. */
const INDICATOR = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
const MAX_KEY_LENGTH = 1024;
const ONLY_SPACES = /^ *$/;
const HEX = /^[0-9A-Fa-f]+$/;

/** Drops trailing spaces only: YAML's white space is space and tab (tabs are outside the subset), not JavaScript's trimEnd set. */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return end === text.length ? text : text.slice(0, end);
}

function resolvePlain(text: string): Value {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  return text;
}

class Reader {
  readonly lines: string[];
  readonly indents: number[];
  index = 0;

  constructor(text: string) {
    this.lines = text.split('\n');
    // The text ends with a line break: the last element is the empty rest.
    this.lines.pop();
    this.indents = this.lines.map((line) => {
      let indent = 0;
      while (line.charCodeAt(indent) === 0x20) indent++;
      return indent;
    });
  }

  /** Moves past blank lines between entries (never inside a scalar: scalars consume their own). */
  skipBlank(): void {
    while (this.index < this.lines.length && this.blank(this.index)) this.index++;
  }

  /** Whether line `at` holds nothing but spaces. */
  blank(at: number): boolean {
    return this.indents[at]! === this.lines[at]!.length;
  }

  /** The indentation of the next line, or -1 at the end. */
  nextIndent(): number {
    return this.index < this.lines.length ? this.indents[this.index]! : -1;
  }

  /** A block node whose first line is the next line, at `indent`. */
  node(indent: number): Value {
    const content = this.lines[this.index]!.slice(indent);
    return content === '-' || content.startsWith('- ') ? this.sequence(indent) : this.mapping(indent, null);
  }

  /** Entries at `indent`; `first` is the rest of a `- ` line holding the first entry. */
  mapping(indent: number, first: string | null): Value {
    const map: { [key: string]: Value } = {};
    let content = first;
    for (;;) {
      if (content === null) {
        this.skipBlank();
        if (this.index >= this.lines.length || this.indents[this.index] !== indent) break;
        content = this.lines[this.index]!.slice(indent);
      }
      const match = KEY.exec(content);
      if (!match) bail();
      const key = match[1]!;
      if (key.length > MAX_KEY_LENGTH || key === '__proto__' || NULL.test(key) || BOOL.test(key)) bail();
      this.index++;
      map[key] = this.value(content.slice(match[0].length), indent, true);
      content = null;
    }
    if (this.index < this.lines.length && this.indents[this.index]! > indent) bail();
    return map;
  }

  sequence(indent: number): Value[] {
    const list: Value[] = [];
    for (this.skipBlank(); this.index < this.lines.length && this.indents[this.index] === indent; this.skipBlank()) {
      const line = this.lines[this.index]!;
      if (!line.startsWith('- ', indent)) break;
      let rest = line.slice(indent + 2);
      let pad = 0;
      while (rest.charCodeAt(pad) === 0x20) pad++;
      rest = rest.slice(pad);
      if (rest === '' || rest.startsWith('- ') || rest === '-') bail();
      if (KEY.test(rest)) {
        // A compact mapping: its entries sit where its first key does.
        if (pad !== 0) bail();
        list.push(this.mapping(indent + 2, rest));
        continue;
      }
      this.index++;
      list.push(this.value(rest, indent + 1, false));
    }
    if (this.index < this.lines.length && this.indents[this.index]! > indent) bail();
    return list;
  }

  /**
   * The value starting with `text` on the line just read. Continuation lines
   * must be indented more than `parent`; `inMapping`: the value of a mapping
   * entry at indentation `parent` (which may own a sequence at its own level).
   */
  value(text: string, parent: number, inMapping: boolean): Value {
    if (text === '') {
      this.skipBlank();
      const next = this.nextIndent();
      if (next > parent) return this.node(next);
      if (inMapping && next === parent && this.lines[this.index]!.startsWith('- ', parent)) return this.sequence(parent);
      return null;
    }
    const first = text[0]!;
    if (first === "'") return this.singleQuoted(text, parent);
    if (first === '"') return this.doubleQuoted(text, parent);
    if (first === '|') {
      if (!inMapping) bail();
      return this.literal(text, parent);
    }
    if (first === '[' || first === '{') {
      const trimmed = trimSpaces(text);
      if (trimmed === '[]') return [];
      if (trimmed === '{}') return {};
      bail();
    }
    // `-`, `?` and `:` start a plain scalar when a character other than a space follows (`-class-`).
    if (INDICATOR.has(first) && !((first === '-' || first === '?' || first === ':') && text.length > 1 && text[1] !== ' ')) bail();
    return this.plain(text, parent);
  }

  plain(text: string, parent: number): Value {
    let value = this.plainLine(text);
    let breaks = 0;
    let afterValue = this.index;
    while (this.index < this.lines.length) {
      if (this.blank(this.index)) {
        breaks++;
        this.index++;
        continue;
      }
      if (this.indents[this.index]! <= parent) break;
      const line = this.lines[this.index]!;
      const content = line.slice(this.indents[this.index]);
      // Only the first line of a plain scalar may not start with an indicator; `#` after a break starts a comment.
      if (content[0] === '#') bail();
      value += breaks === 0 ? ' ' : '\n'.repeat(breaks);
      value += this.plainLine(content);
      breaks = 0;
      this.index++;
      afterValue = this.index;
    }
    // Blank lines after the scalar belong to the structure around it.
    this.index = afterValue;
    return resolvePlain(value);
  }

  /** One line of a plain scalar, trailing spaces dropped; `: `, ` #` and a final `:` leave the subset. */
  plainLine(text: string): string {
    const trimmed = trimSpaces(text);
    if (trimmed.includes(': ') || trimmed.includes(' #') || trimmed.endsWith(':')) bail();
    return trimmed;
  }

  /**
   * A quoted scalar's line break: one break and no blank lines is a space,
   * each blank line a newline. Returns the folded text and the next line's
   * content, which must continue the scalar (more indented than `parent`).
   */
  fold(parent: number): { text: string; line: string } {
    let breaks = 0;
    while (this.index < this.lines.length && this.blank(this.index)) {
      breaks++;
      this.index++;
    }
    if (this.index >= this.lines.length || this.indents[this.index]! <= parent) bail();
    const line = this.lines[this.index]!.slice(this.indents[this.index]);
    this.index++;
    return { text: breaks === 0 ? ' ' : '\n'.repeat(breaks), line };
  }

  singleQuoted(text: string, parent: number): Value {
    let value = '';
    let line = text.slice(1);
    for (;;) {
      let segment = '';
      let position = 0;
      for (;;) {
        const quote = line.indexOf("'", position);
        if (quote === -1) {
          segment += line.slice(position);
          break;
        }
        segment += line.slice(position, quote);
        if (line[quote + 1] === "'") {
          segment += "'";
          position = quote + 2;
          continue;
        }
        if (!ONLY_SPACES.test(line.slice(quote + 1))) bail();
        return value + segment;
      }
      // Spaces before a line break are dropped; a quote from '' is no space, so trimming spaces is right.
      value += trimSpaces(segment);
      const next = this.fold(parent);
      value += next.text;
      line = next.line;
    }
  }

  doubleQuoted(text: string, parent: number): Value {
    let value = '';
    let line = text.slice(1);
    for (;;) {
      let segment = '';
      /** The segment's length up to its last character that is not an unescaped space. */
      let kept = 0;
      let position = 0;
      let escapedBreak = false;
      for (;;) {
        if (position >= line.length) break;
        const character = line[position]!;
        if (character === '"') {
          if (!ONLY_SPACES.test(line.slice(position + 1))) bail();
          return value + segment;
        }
        if (character !== '\\') {
          segment += character;
          if (character !== ' ') kept = segment.length;
          position++;
          continue;
        }
        if (position + 1 === line.length) {
          escapedBreak = true;
          break;
        }
        const escape = line[position + 1]!;
        const simple = DOUBLE_QUOTE_ESCAPES[escape];
        if (simple !== undefined) {
          segment += simple;
          position += 2;
        } else {
          const digits = escape === 'x' ? 2 : escape === 'u' ? 4 : escape === 'U' ? 8 : 0;
          const hex = line.slice(position + 2, position + 2 + digits);
          if (digits === 0 || hex.length !== digits || !HEX.test(hex)) bail();
          const code = Number.parseInt(hex, 16);
          if (code > 0x10ffff) bail();
          segment += String.fromCodePoint(code);
          position += 2 + digits;
        }
        kept = segment.length;
      }
      if (escapedBreak) {
        // An escaped line break joins the lines without a space; blank lines after it are outside the subset.
        value += segment;
        if (this.index >= this.lines.length || this.blank(this.index) || this.indents[this.index]! <= parent) bail();
        line = this.lines[this.index]!.slice(this.indents[this.index]);
        this.index++;
        continue;
      }
      value += segment.slice(0, kept);
      const next = this.fold(parent);
      value += next.text;
      line = next.line;
    }
  }

  /** `|` with optional indentation and chomping indicators, as a mapping value at `parent`. */
  literal(text: string, parent: number): Value {
    const header = /^\|([1-9]?)([+-]?)([1-9]?) *$/.exec(text);
    if (!header || (header[1] !== '' && header[3] !== '')) bail();
    const explicit = Number(header[1] || header[3] || 0);
    const chomping = header[2];
    const start = this.index;
    let indent = explicit === 0 ? -1 : parent + explicit;
    if (indent === -1) {
      // The first line with content sets the indentation; blank lines before it may not be longer.
      let at = start;
      while (at < this.lines.length && this.blank(at)) at++;
      if (at >= this.lines.length || this.indents[at]! <= parent) bail();
      indent = this.indents[at]!;
      for (let blank = start; blank < at; blank++) if (this.lines[blank]!.length > indent) bail();
    }
    const content: string[] = [];
    while (this.index < this.lines.length) {
      const line = this.lines[this.index]!;
      if (this.blank(this.index) && line.length <= indent) content.push('');
      else if (this.indents[this.index]! >= indent) content.push(line.slice(indent));
      else break;
      this.index++;
    }
    // The next line must belong to the structure around the scalar.
    if (this.index < this.lines.length && this.indents[this.index]! > parent) bail();
    let last = content.length;
    while (last > 0 && content[last - 1] === '') last--;
    if (last === 0) bail();
    const body = content.slice(0, last).join('\n');
    if (chomping === '-') return body;
    if (chomping === '+') return `${body}\n${'\n'.repeat(content.length - last)}`;
    return `${body}\n`;
  }
}

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** The document `text` as the library would read it, or undefined when it is outside the subset. */
export function parseYamlSubset(text: string): unknown {
  if (!text.endsWith('\n') || text.includes('\t') || text.includes('\r')) return undefined;
  try {
    const reader = new Reader(text);
    if (reader.lines.length === 0 || reader.indents[0] !== 0 || reader.blank(0)) return undefined;
    const value = reader.node(0);
    return reader.index === reader.lines.length ? value : undefined;
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    // A stack overflow is no answer either: the library decides.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * True when core/nesting.ts's yamlNestingExceeds(text, limit) surely answers
 * null, found without its line-by-line pass (on the PyPA records that pass
 * cost twice what reading them does). Its block levels are strictly
 * increasing columns, none past the deepest indentation plus a `- ` marker
 * and the spaces after it; its flow levels are counted brackets. So when the
 * columns and all the text's `[` and `{` together stay within the limit, no
 * line can go past it. Otherwise the caller runs the real check.
 */
export function surelyNestedWithin(text: string, limit: number): boolean {
  // Its lines also end at a lone CR: not worth following here.
  if (text.includes('\r')) return false;
  let budget = limit - 1;
  for (let index = text.indexOf('['); index !== -1 && budget >= 0; index = text.indexOf('[', index + 1)) budget--;
  for (let index = text.indexOf('{'); index !== -1 && budget >= 0; index = text.indexOf('{', index + 1)) budget--;
  if (budget < 0) return false;
  let deepest = 0;
  for (let start = 0; start < text.length; ) {
    let column = start;
    while (text.charCodeAt(column) === 0x20) column++;
    // `- - x` pushes a column per marker.
    for (;;) {
      if (text.charCodeAt(column) !== 0x2d /* - */) break;
      const after = text.charCodeAt(column + 1);
      if (after === 0x20) column += 2;
      else if (after === 0x0a || Number.isNaN(after)) column += 1;
      else break;
      while (text.charCodeAt(column) === 0x20) column++;
    }
    if (column - start > deepest) deepest = column - start;
    const end = text.indexOf('\n', start);
    if (end === -1) break;
    start = end + 1;
  }
  return deepest <= budget;
}
