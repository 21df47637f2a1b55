/**
 * A strict JSON parser (RFC 8259) that keeps the 1-based line of every value
 * and object member, and on a syntax error returns the error's line together
 * with everything read before it. JSON.parse gives neither positions nor
 * partial results (and its error messages differ between Node versions), so
 * Pipfile.lock needs this small hand-written parser. String tokens are still
 * decoded by JSON.parse itself.
 */

export type JsonNode =
  | { kind: 'object'; line: number; members: JsonMember[]; complete: boolean }
  | { kind: 'array'; line: number; items: JsonNode[]; complete: boolean }
  | { kind: 'string'; line: number; value: string }
  | { kind: 'number'; line: number; value: number }
  | { kind: 'boolean'; line: number; value: boolean }
  | { kind: 'null'; line: number };

export interface JsonMember {
  key: string;
  /** Line of the member's key. */
  line: number;
  value: JsonNode;
}

export interface JsonParseResult {
  /** The root value; partial (containers with `complete: false`) when `error` is set. */
  root: JsonNode | undefined;
  error?: { message: string; line: number };
}

/** Deeper nesting than this is reported as an error instead of risking the call stack. */
const MAX_DEPTH = 512;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = [
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
  ['null', { kind: 'null' }],
] as const;

export function parseJsonWithLines(text: string): JsonParseResult {
  let index = 0;
  let line = 1;
  let root: JsonNode | undefined;

  function fail(message: string): never {
    throw new JsonSyntaxError(message, line);
  }

  function skipWhitespace(): void {
    while (index < text.length) {
      const char = text[index];
      if (char === '\n') line++;
      else if (char !== ' ' && char !== '\t' && char !== '\r') return;
      index++;
    }
  }

  function describe(): string {
    return index >= text.length ? 'unexpected end of input' : `unexpected character ${JSON.stringify(text[index])}`;
  }

  function readString(): string {
    const start = index;
    index++;
    while (index < text.length) {
      const code = text.charCodeAt(index);
      if (code === 0x22) break;
      if (code < 0x20) fail('control character or line break inside a string');
      index += code === 0x5c ? 2 : 1;
    }
    if (index >= text.length) fail('unterminated string');
    index++;
    try {
      return JSON.parse(text.slice(start, index)) as string;
    } catch {
      return fail('invalid escape in string');
    }
  }

  function parseValue(depth: number, attach: (node: JsonNode) => void): void {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    skipWhitespace();
    const char = text[index];
    const valueLine = line;
    if (char === '{') {
      const node: JsonNode = { kind: 'object', line: valueLine, members: [], complete: false };
      attach(node);
      index++;
      skipWhitespace();
      if (text[index] === '}') {
        index++;
        node.complete = true;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[index] !== '"') fail(`expected a member name: ${describe()}`);
        const keyLine = line;
        const key = readString();
        skipWhitespace();
        if (text[index] !== ':') fail(`expected ":" after member name: ${describe()}`);
        index++;
        parseValue(depth + 1, (value) => node.members.push({ key, line: keyLine, value }));
        skipWhitespace();
        if (text[index] === ',') {
          index++;
          continue;
        }
        if (text[index] === '}') {
          index++;
          node.complete = true;
          return;
        }
        fail(`expected "," or "}" in object: ${describe()}`);
      }
    }
    if (char === '[') {
      const node: JsonNode = { kind: 'array', line: valueLine, items: [], complete: false };
      attach(node);
      index++;
      skipWhitespace();
      if (text[index] === ']') {
        index++;
        node.complete = true;
        return;
      }
      for (;;) {
        parseValue(depth + 1, (item) => node.items.push(item));
        skipWhitespace();
        if (text[index] === ',') {
          index++;
          continue;
        }
        if (text[index] === ']') {
          index++;
          node.complete = true;
          return;
        }
        fail(`expected "," or "]" in array: ${describe()}`);
      }
    }
    if (char === '"') {
      attach({ kind: 'string', line: valueLine, value: readString() });
      return;
    }
    NUMBER.lastIndex = index;
    const number = NUMBER.exec(text);
    if (number && number[0].length > 0) {
      index += number[0].length;
      attach({ kind: 'number', line: valueLine, value: Number(number[0]) });
      return;
    }
    for (const [word, node] of LITERALS) {
      if (text.startsWith(word, index)) {
        index += word.length;
        attach({ ...node, line: valueLine });
        return;
      }
    }
    fail(`expected a value: ${describe()}`);
  }

  try {
    parseValue(0, (node) => {
      root = node;
    });
    skipWhitespace();
    if (index < text.length) fail(`unexpected data after the JSON value: ${describe()}`);
    return { root };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { root, error: { message: error.message, line: error.line } };
    throw error;
  }
}

/** A member by name (the last one wins, as with JSON.parse). */
export function memberOf(node: JsonNode | undefined, key: string): JsonMember | undefined {
  if (node?.kind !== 'object') return undefined;
  for (let i = node.members.length - 1; i >= 0; i--) if (node.members[i]!.key === key) return node.members[i];
  return undefined;
}

/** Converts a node to a plain value; member names such as `__proto__` become ordinary own properties. */
export function toPlainValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const plain: Record<string, unknown> = {};
      for (const member of node.members) {
        Object.defineProperty(plain, member.key, { value: toPlainValue(member.value), enumerable: true, writable: true, configurable: true });
      }
      return plain;
    }
    case 'array':
      return node.items.map(toPlainValue);
    case 'null':
      return null;
    default:
      return node.value;
  }
}
