/**
 * JSON with positions, for extractors that must report the line of each entry.
 * JSON.parse gives no offsets and gives up at the first error; jsonc-parser's
 * parse tree keeps every node's offset and recovers from errors, so a truncated
 * file still yields the entries before the damage.
 *
 * Shared by the cyclonedx, spdx and conda-meta extractors.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { ChainwatchError } from '../../core/errors.js';
import { lineIndex } from './line-index.js';

export type { Node as JsonNode } from 'jsonc-parser';

export interface JsonDocument {
  /** Undefined when the text holds no JSON value at all. */
  root: Node | undefined;
  /** The first syntax error (later ones are mostly consequences of it), with its line. */
  errors: ChainwatchError[];
  /** 1-based line of a character offset. */
  lineAt(offset: number): number;
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

export function parseJsonDocument(path: string, text: string): JsonDocument {
  // A byte-order mark is not JSON; blank it out so that offsets stay the same.
  const source = text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text;
  const problems: ParseError[] = [];
  const lineAt = lineIndex(source);
  const errors: ChainwatchError[] = [];
  let root: Node | undefined;
  const tooDeep = deepNestingOffset(source, MAX_JSON_DEPTH);
  if (tooDeep !== -1) {
    errors.push(
      new ChainwatchError('parse-error', `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not read`, {
        location: { path, line: lineAt(tooDeep) },
      }),
    );
    return { root: undefined, errors, lineAt };
  }
  try {
    root = parseTree(source, problems, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (error) {
    // A backstop: the depth check above should keep the recursive parser within the stack.
    if (!(error instanceof RangeError)) throw error;
    errors.push(new ChainwatchError('parse-error', 'JSON nested too deeply to read', { location: { path }, cause: error }));
    return { root: undefined, errors, lineAt };
  }
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    errors.push(
      new ChainwatchError('parse-error', `invalid JSON: ${printParseErrorCode(first.error)}${more}`, {
        location: { path, line: lineAt(first.offset) },
      }),
    );
  }
  return { root, errors, lineAt };
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
