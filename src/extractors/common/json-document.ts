/**
 * JSON with positions, for extractors that must report the line of each entry.
 * JSON.parse gives no offsets and gives up at the first error; jsonc-parser's
 * visitor reports every token's offset and recovers from errors, so a truncated
 * file still yields the entries before the damage.
 *
 * The tree is built here from the visitor's events, the way jsonc-parser's own
 * parseTree builds it, with one difference: an extractor names the parts it reads
 * (`keep`) and nothing else is built. A whole tree costs about 100 bytes a JSON
 * value: 3.2 GB for a 215 MB package-lock.json, when the packages found need a
 * tenth of that.
 *
 * Shared by the cyclonedx, spdx, conda-meta, package-lock and pipfile-lock extractors.
 */
import { printParseErrorCode, visit, type Node, type NodeType, type ParseErrorCode } from 'jsonc-parser';
import { ChainwatchError } from '../../core/errors.js';
import { withoutByteOrderMark } from './byte-order-mark.js';
import { lineIndex } from './line-index.js';

export type { Node as JsonNode } from 'jsonc-parser';

/** Member names and array indices from the root to a value. */
export type JsonPath = readonly (string | number)[];

export interface JsonDocument {
  /** The text as parsed: the input without a leading byte-order mark. Node offsets are into this text. */
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
  /** Each format keeps its own wording: `detail` is jsonc-parser's error code, plus how many more errors follow. */
  messages?: { invalid?: (detail: string) => string; tooDeep?: (limit: number) => string };
  /**
   * Which values to build, by their path (the root, path `[]`, always is). A value refused is
   * skipped with everything in it: it is not in its parent's children, and a member whose
   * value is refused is left out whole. Syntax errors inside skipped parts still count.
   * Default: every value.
   */
  keep?: (path: JsonPath) => boolean;
}

/**
 * jsonc-parser recurses once per nesting level; thousands of `[` would exhaust the stack.
 * Real SBOMs and conda records stay far below this.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * The offset where nesting first exceeds `limit` (strings skipped), or -1: a linear scan that
 * runs before jsonc-parser's recursive descent sees the text.
 */
export function deepNestingOffset(text: string, limit: number): number {
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
  // A byte-order mark is not JSON (JSON.parse refuses one); npm and the SBOM tools read past it.
  const source = withoutByteOrderMark(text);
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
  let built: BuiltTree;
  try {
    built = buildTree(source, options.keep);
  } catch (error) {
    // A backstop: the depth check above should keep the recursive parser within the stack.
    if (!(error instanceof RangeError)) throw error;
    return refused(invalid('nested too deeply to read'), 0, error);
  }
  const errors: ChainwatchError[] = [];
  const first = built.firstError;
  if (first) {
    const more = built.errorCount > 1 ? ` (and ${built.errorCount - 1} more)` : '';
    errors.push(
      new ChainwatchError('parse-error', invalid(`${printParseErrorCode(first.error)}${more}`), {
        location: { path, line: lineAt(first.offset) },
      }),
    );
  }
  return { text: source, root: built.root, errors, firstErrorOffset: first?.offset, lineAt };
}

interface BuiltTree {
  root: Node | undefined;
  firstError: { error: ParseErrorCode; offset: number } | undefined;
  errorCount: number;
}

/**
 * jsonc-parser's parseTree (lib/esm/impl/parser.js), event for event, so that recovery after a
 * syntax error gives the same tree; plus `keep`. Only the first syntax error is kept, with a
 * count of the rest: a file of junk has one per character.
 */
/** jsonc-parser's Node while it is being built (Node's fields are read-only). */
interface BuildingNode {
  type: NodeType;
  value?: unknown;
  offset: number;
  length: number;
  colonOffset?: number;
  parent?: BuildingNode;
  children?: BuildingNode[];
}

function buildTree(text: string, keep: ((path: JsonPath) => boolean) | undefined): BuiltTree {
  const top: BuildingNode = { type: 'array', offset: -1, length: -1, children: [] };
  let current: BuildingNode = top;
  /** Containers open inside a skipped value (0: building). */
  let skipping = 0;
  /** Set when a member was refused by name: its value, whatever it is, is skipped. */
  let skipValue = false;
  /**
   * A member whose value has not begun. Its property node is made with the value, children
   * `[key, value]` in one literal: pushing onto `[]` reserves 17 slots, and properties are a
   * third of all nodes. (A member whose value never comes is made when its object goes on.)
   */
  let member: { key: BuildingNode; colonOffset?: number } | undefined;
  let firstError: BuiltTree['firstError'];
  let errorCount = 0;

  function completeProperty(end: number): void {
    if (current.type === 'property') {
      current.length = end - current.offset;
      current = current.parent!;
    }
  }
  /** A member left without a value (a syntax error): its property holds the key alone. */
  function flushMember(end: number): void {
    if (!member) return;
    const property: BuildingNode = { type: 'property', offset: member.key.offset, length: end - member.key.offset, parent: current, children: [member.key] };
    if (member.colonOffset !== undefined) property.colonOffset = member.colonOffset;
    member.key.parent = property;
    current.children!.push(property);
    member = undefined;
  }
  /** Adds a value node to the current container, or with its property when it is a member's value. */
  function add(node: BuildingNode): BuildingNode {
    if (member) {
      const property: BuildingNode = { type: 'property', offset: member.key.offset, length: -1, parent: current, children: [member.key, node] };
      if (member.colonOffset !== undefined) property.colonOffset = member.colonOffset;
      member.key.parent = property;
      node.parent = property;
      current.children!.push(property);
      member = undefined;
    } else {
      node.parent = current;
      current.children!.push(node);
    }
    return node;
  }
  /** A container is done: its length, and its children array cut to size (see `member`). */
  function closeContainer(end: number): void {
    current.length = end - current.offset;
    current.children = current.children!.slice();
    current = current.parent!;
    completeProperty(end);
  }
  /** Whether the value that starts now is skipped. Members are decided by name; array elements here. */
  function refuse(pathOf: () => JsonPath): boolean {
    if (skipValue) {
      skipValue = false;
      return true;
    }
    return keep !== undefined && current !== top && current.type === 'array' && !keep(pathOf());
  }

  visit(
    text,
    {
      onObjectBegin: (offset, _length, _line, _character, pathOf) => {
        if (skipping > 0 || refuse(pathOf)) skipping++;
        else current = add({ type: 'object', offset, length: -1, children: [] });
      },
      onObjectProperty: (name, offset, length, _line, _character, pathOf) => {
        if (skipping > 0) return;
        flushMember(offset);
        skipValue = keep !== undefined && !keep([...pathOf(), name]);
        if (!skipValue) member = { key: { type: 'string', value: name, offset, length } };
      },
      onObjectEnd: (offset, length) => {
        if (skipping > 0) {
          skipping--;
          return;
        }
        skipValue = false;
        flushMember(offset + length);
        closeContainer(offset + length);
      },
      onArrayBegin: (offset, _length, _line, _character, pathOf) => {
        if (skipping > 0 || refuse(pathOf)) skipping++;
        else current = add({ type: 'array', offset, length: -1, children: [] });
      },
      onArrayEnd: (offset, length) => {
        if (skipping > 0) {
          skipping--;
          return;
        }
        closeContainer(offset + length);
      },
      onLiteralValue: (value: unknown, offset, length, _line, _character, pathOf) => {
        if (skipping > 0 || refuse(pathOf)) return;
        current = add({ type: literalType(value), offset, length, value }).parent!;
        completeProperty(offset + length);
      },
      onSeparator: (separator, offset) => {
        if (skipping > 0) return;
        if (separator === ':' && member) member.colonOffset = offset;
        else if (separator === ',') flushMember(offset);
      },
      onError: (error, offset) => {
        errorCount++;
        firstError ??= { error, offset };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  const root = top.children![0];
  if (root) delete root.parent;
  return { root, firstError, errorCount };
}

function literalType(value: unknown): NodeType {
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    default:
      return 'null';
  }
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
