/**
 * JSON with positions, for extractors that must report the line of each entry.
 * JSON.parse gives no offsets and gives up at the first error; jsonc-parser's
 * parse tree keeps every node's offset and recovers from errors, so a truncated
 * file still yields the entries before the damage.
 *
 * Shared by the cyclonedx, spdx, conda-meta, package-lock and pipfile-lock extractors.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { ChainwatchError } from '../../core/errors.js';
import { lineIndex } from './line-index.js';

export type { Node as JsonNode } from 'jsonc-parser';

export interface JsonDocument {
  /** The text as parsed (a skipped byte-order mark is blanked, so offsets are the input's). */
  text: string;
  /** Undefined when the text holds no JSON value at all. */
  root: Node | undefined;
  /** The first syntax error (later ones are mostly consequences of it), with its line. */
  errors: ChainwatchError[];
  /** Offset of the first syntax error; undefined when the text is valid JSON. */
  firstErrorOffset: number | undefined;
  /** 1-based line of a character offset. */
  lineAt(offset: number): number;
}

export interface JsonDocumentOptions {
  /** Nesting deeper than this is refused before parsing (default MAX_JSON_DEPTH). */
  maxDepth?: number;
  /** Read past a leading byte-order mark (default true; JSON.parse refuses one). */
  allowByteOrderMark?: boolean;
  /** Each format keeps its own wording: `detail` is jsonc-parser's error code, plus how many more errors follow. */
  messages?: { invalid?: (detail: string) => string; tooDeep?: (limit: number) => string };
}

/**
 * jsonc-parser recurses once per nesting level; thousands of `[` would exhaust the stack.
 * Real SBOMs and conda records stay far below this.
 */
export const MAX_JSON_DEPTH = 512;

/** The offset where nesting first exceeds `limit` (strings skipped), or -1. */
function deepNestingOffset(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') {
      inString = true;
    } else if (character === '[' || character === '{') {
      depth++;
      if (depth > limit) return index;
    } else if ((character === ']' || character === '}') && depth > 0) {
      depth--;
    }
  }
  return -1;
}

export function parseJsonDocument(path: string, text: string, options: JsonDocumentOptions = {}): JsonDocument {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const invalid = options.messages?.invalid ?? ((detail: string) => `invalid JSON: ${detail}`);
  const tooDeepMessage = options.messages?.tooDeep ?? ((limit: number) => `JSON nested deeper than ${limit} levels is not read`);
  // A byte-order mark is not JSON; blank it out so that offsets stay the same.
  const source = (options.allowByteOrderMark ?? true) && text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text;
  const lineAt = lineIndex(source);
  const refused = (message: string, offset: number, cause?: unknown): JsonDocument => ({
    text: source,
    root: undefined,
    errors: [new ChainwatchError('parse-error', message, { location: { path, line: lineAt(offset) }, ...(cause === undefined ? {} : { cause }) })],
    firstErrorOffset: offset,
    lineAt,
  });
  const tooDeep = deepNestingOffset(source, maxDepth);
  if (tooDeep !== -1) return refused(tooDeepMessage(maxDepth), tooDeep);
  const problems: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(source, problems, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (error) {
    // A backstop: the depth check above should keep the recursive parser within the stack.
    if (!(error instanceof RangeError)) throw error;
    return refused(invalid('nested too deeply to read'), 0, error);
  }
  const first = problems[0];
  const errors: ChainwatchError[] = [];
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    errors.push(
      new ChainwatchError('parse-error', invalid(`${printParseErrorCode(first.error)}${more}`), {
        location: { path, line: lineAt(first.offset) },
      }),
    );
  }
  return { text: source, root, errors, firstErrorOffset: first?.offset, lineAt };
}

/** The value node of `key` in an object node (the last one, as JSON.parse does for duplicates). */
export function property(node: Node | undefined, key: string): Node | undefined {
  if (node?.type !== 'object' || !node.children) return undefined;
  let found: Node | undefined;
  for (const entry of node.children) {
    const [keyNode, valueNode] = entry.children ?? [];
    if (keyNode?.value === key && valueNode) found = valueNode;
  }
  return found;
}

export function stringValue(node: Node | undefined): string | undefined {
  return node?.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}

/** The elements of an array node; empty for anything else. */
export function arrayItems(node: Node | undefined): Node[] {
  return node?.type === 'array' ? (node.children ?? []) : [];
}

/** The line of the `"key"` of a property, given its value node. */
export function keyLine(document: JsonDocument, valueNode: Node): number {
  const keyNode = valueNode.parent?.type === 'property' ? valueNode.parent.children?.[0] : undefined;
  return document.lineAt((keyNode ?? valueNode).offset);
}

export interface JsonProperty {
  key: string;
  /** Undefined when the text breaks off before the value. */
  value: Node | undefined;
  /** Offset of the `"key"`. */
  offset: number;
}

/** Every property of an object node in document order, duplicates included; empty for anything else. */
export function properties(node: Node | undefined): JsonProperty[] {
  if (node?.type !== 'object') return [];
  const found: JsonProperty[] = [];
  for (const entry of node.children ?? []) {
    const keyNode = entry.children?.[0];
    if (entry.type !== 'property' || keyNode?.type !== 'string' || typeof keyNode.value !== 'string') continue;
    found.push({ key: keyNode.value, value: entry.children?.[1], offset: entry.offset });
  }
  return found;
}

/**
 * Whether a node was read whole before the first syntax error: it ends there at the latest, and
 * a container has its closing bracket. Parts after the error are jsonc-parser's recovery guesses.
 */
export function isIntact(document: JsonDocument, node: Node): boolean {
  const end = node.offset + node.length;
  if (document.firstErrorOffset !== undefined && end > document.firstErrorOffset) return false;
  if (node.type === 'object') return document.text[end - 1] === '}';
  if (node.type === 'array') return document.text[end - 1] === ']';
  return true;
}

/**
 * Whether a node had been reached before the first syntax error: a container once it has begun
 * (it may be cut short: see isIntact), a scalar only when whole. This is what a parser that stops
 * at the first error would have returned.
 */
export function readBeforeError(document: JsonDocument, node: Node): boolean {
  if (document.firstErrorOffset === undefined) return true;
  if (node.type === 'object' || node.type === 'array') return node.offset < document.firstErrorOffset;
  return isIntact(document, node);
}

/** Converts a node to a plain value; member names such as `__proto__` become ordinary own properties. */
export function plainValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const plain: Record<string, unknown> = {};
      for (const { key, value } of properties(node)) {
        if (value) Object.defineProperty(plain, key, { value: plainValue(value), enumerable: true, writable: true, configurable: true });
      }
      return plain;
    }
    case 'array':
      return (node.children ?? []).map(plainValue);
    default:
      return node.value;
  }
}
