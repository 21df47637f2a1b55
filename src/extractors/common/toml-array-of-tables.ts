import { parse, TomlError } from 'smol-toml';
import { lineIndex } from './line-index.js';

/**
 * smol-toml parses TOML but reports no positions, and it gives up on the whole
 * document at the first error. Lockfile extractors need the line where each
 * `[[package]]` entry starts and want to keep the entries that are intact in a
 * damaged file, so this module adds a small layout scanner that knows just
 * enough TOML (strings of all four kinds, comments, nested arrays and inline
 * tables) to find table headers and inline-array elements without being
 * fooled by look-alikes inside multi-line strings or comments.
 *
 * Shared by the poetry-lock, uv-lock, pdm-lock and pylock extractors.
 */

export interface TomlTableHeader {
  /** The dotted key path with quotes removed: `[package.source]` → ['package', 'source']. */
  keys: string[];
  /** `[[...]]` rather than `[...]`. */
  arrayOfTables: boolean;
  /** Offset of the opening bracket. */
  offset: number;
  /** 1-based line of the opening bracket. */
  line: number;
}

export interface TomlLayout {
  headers: TomlTableHeader[];
  /** For root-table keys assigned an array (`packages = [ {...}, ... ]`): the line where each inline table element starts. */
  inlineTableLines: Map<string, number[]>;
}

export interface TomlArrayEntry {
  value: unknown;
  /** 1-based line where the entry starts; undefined only if the layout scan and the parser disagree. */
  line: number | undefined;
}

export interface TomlArrayReadResult {
  entries: TomlArrayEntry[];
  /** The root table's keys, when the whole document parsed. */
  rootKeys?: string[];
  /** The first syntax error of the document (entries then hold what could be salvaged). */
  error?: { message: string; line: number | undefined };
}

const BARE_KEY_CHAR = /[A-Za-z0-9_-]/;

/** Scans the document's structure. Tolerates malformed input: every step advances, so it always ends. */
export function scanTomlLayout(text: string): TomlLayout {
  const lineOf = lineIndex(text);
  const headers: TomlTableHeader[] = [];
  const inlineTableLines = new Map<string, number[]>();
  const length = text.length;
  // A byte-order mark is not TOML; skipping it keeps the first header from being read as a broken key.
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  let inRootTable = true;

  function skipToLineEnd(): void {
    while (i < length && text[i] !== '\n') i++;
  }

  function skipBlanks(): void {
    while (i < length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  }

  /** Skips a string starting at i (any of the four kinds) and returns its raw content. */
  function readString(): string {
    const quote = text[i]!;
    const multiLine = text.startsWith(quote.repeat(3), i);
    if (multiLine) {
      i += 3;
      const start = i;
      while (i < length && !text.startsWith(quote.repeat(3), i)) {
        i += quote === '"' && text[i] === '\\' ? 2 : 1;
      }
      const content = text.slice(start, Math.min(i, length));
      i += 3;
      // A closing delimiter may be preceded by up to two quotes that belong to the content.
      while (i < length && text[i] === quote && text.startsWith(quote.repeat(3), i - 2)) i++;
      i = Math.min(i, length);
      return content;
    }
    i += 1;
    const start = i;
    while (i < length && text[i] !== quote && text[i] !== '\n') {
      i += quote === '"' && text[i] === '\\' ? 2 : 1;
    }
    const content = text.slice(start, Math.min(i, length));
    if (i < length && text[i] === quote) i++;
    return content;
  }

  /** Reads a dotted key up to (not including) `stop` characters; returns its parts. */
  function readKey(stops: string): string[] {
    const parts: string[] = [];
    let current = '';
    while (i < length && !stops.includes(text[i]!) && text[i] !== '\n') {
      const char = text[i]!;
      if (char === '"' || char === "'") {
        current += readString();
      } else if (char === '.') {
        parts.push(current.trim());
        current = '';
        i++;
      } else if (char === ' ' || char === '\t' || char === '\r') {
        i++;
      } else if (BARE_KEY_CHAR.test(char)) {
        current += char;
        i++;
      } else {
        // Not a key: give up on this statement.
        return [];
      }
    }
    parts.push(current.trim());
    return parts;
  }

  /**
   * Skips one value starting at i. For arrays, `onElementTable` is told the
   * offset of each inline table that is a direct element.
   */
  function skipValue(onElementTable?: (offset: number) => void): void {
    const char = text[i];
    if (char === '"' || char === "'") {
      readString();
      return;
    }
    if (char === '[' || char === '{') {
      skipContainer(onElementTable);
      return;
    }
    while (i < length && !' \t\r\n,]}#'.includes(text[i]!)) i++;
  }

  /**
   * Skips an array or inline table and everything nested in it. Iterative with an
   * explicit stack of closing brackets: nesting depth is the input's to choose, and
   * a recursive walk would overflow the call stack on `[[[[…` 100,000 deep.
   */
  function skipContainer(onElementTable?: (offset: number) => void): void {
    const closers: string[] = [text[i] === '[' ? ']' : '}'];
    i++;
    while (i < length && closers.length > 0) {
      const char = text[i]!;
      if (char === '#') {
        skipToLineEnd();
      } else if (char === '"' || char === "'") {
        readString();
      } else if (char === '[' || char === '{') {
        if (char === '{' && closers.length === 1 && closers[0] === ']') onElementTable?.(i);
        closers.push(char === '[' ? ']' : '}');
        i++;
      } else if (char === ']' || char === '}') {
        // The expected bracket closes this level; a mismatched one is taken as closing it too.
        closers.pop();
        i++;
      } else {
        i++;
      }
    }
  }

  while (i < length) {
    skipBlanks();
    if (i >= length) break;
    const char = text[i]!;
    if (char === '\n') {
      i++;
      continue;
    }
    if (char === '#') {
      skipToLineEnd();
      continue;
    }
    if (char === '[') {
      const offset = i;
      const arrayOfTables = text[i + 1] === '[';
      i += arrayOfTables ? 2 : 1;
      const keys = readKey(']');
      if (i < length && text[i] === ']') {
        i += arrayOfTables && text[i + 1] === ']' ? 2 : 1;
        if (keys.length > 0 && keys.every((key) => key.length > 0)) {
          headers.push({ keys, arrayOfTables, offset, line: lineOf(offset) });
          inRootTable = false;
        }
      }
      skipToLineEnd();
      continue;
    }
    const keys = readKey('=');
    if (i < length && text[i] === '=' && keys.length > 0) {
      i++;
      skipBlanks();
      if (inRootTable && keys.length === 1 && text[i] === '[') {
        const lines: number[] = [];
        skipValue((elementOffset) => lines.push(lineOf(elementOffset)));
        inlineTableLines.set(keys[0]!, lines);
      } else {
        skipValue();
      }
    }
    skipToLineEnd();
  }
  return { headers, inlineTableLines };
}

/** Lines where the elements of the root-level array `key` start, in document order. */
export function arrayOfTablesLines(layout: TomlLayout, key: string): number[] {
  const headerLines = layout.headers
    .filter((header) => header.arrayOfTables && header.keys.length === 1 && header.keys[0] === key)
    .map((header) => header.line);
  if (headerLines.length > 0) return headerLines;
  return layout.inlineTableLines.get(key) ?? [];
}

function tomlErrorOf(error: unknown): { message: string; line: number | undefined } {
  if (error instanceof TomlError) {
    const firstLine = error.message.split('\n')[0] ?? error.message;
    return { message: firstLine, line: error.line };
  }
  // Anything else (e.g. a RangeError on absurd nesting) is still bad input, not a bug of ours.
  return { message: error instanceof Error ? error.message : String(error), line: undefined };
}

function tryParse(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: parse(text) as Record<string, unknown> };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Reads the root-level array of tables `key` (`[[package]]`, `[[packages]]`,
 * or `packages = [ {...} ]`) with the line where each entry starts. On a
 * syntax error it reports the error and salvages every `[[key]]` block that
 * parses on its own (with its sub-tables such as `[package.source]`).
 */
export function readTomlArrayOfTables(text: string, key: string): TomlArrayReadResult {
  const layout = scanTomlLayout(text);
  const lines = arrayOfTablesLines(layout, key);
  const parsed = tryParse(text);
  if (parsed.ok) {
    const rootKeys = Object.keys(parsed.value);
    const array = parsed.value[key];
    if (array === undefined) return { entries: [], rootKeys };
    if (!Array.isArray(array)) {
      return { entries: [], rootKeys, error: { message: `"${key}" is not an array of tables`, line: undefined } };
    }
    return { entries: array.map((value, index) => ({ value, line: lines[index] })), rootKeys };
  }
  return { entries: salvageBlocks(text, key, layout), error: tomlErrorOf(parsed.error) };
}

function salvageBlocks(text: string, key: string, layout: TomlLayout): TomlArrayEntry[] {
  const entries: TomlArrayEntry[] = [];
  const { headers } = layout;
  headers.forEach((header, index) => {
    if (!(header.arrayOfTables && header.keys.length === 1 && header.keys[0] === key)) return;
    // The block runs to the next header that is not one of its sub-tables (no copy of the rest: linear overall).
    let end = text.length;
    for (let nextIndex = index + 1; nextIndex < headers.length; nextIndex++) {
      const next = headers[nextIndex]!;
      const isSubTable = next.keys.length > 1 && next.keys[0] === key;
      if (!isSubTable) {
        end = next.offset;
        break;
      }
    }
    const block = tryParse(text.slice(header.offset, end));
    if (!block.ok) return;
    const array = block.value[key];
    if (Array.isArray(array) && array.length === 1) entries.push({ value: array[0], line: header.line });
  });
  return entries;
}
