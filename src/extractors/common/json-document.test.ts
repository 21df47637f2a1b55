import fc from 'fast-check';
import { parseTree, type Node } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { isIntact, MAX_JSON_DEPTH, parseJsonDocument, plainValue, properties, property, type JsonDocument, type JsonNode } from './json-document.js';

function jsonParses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** As strict as JSON.parse (a leading byte-order mark aside, which generated texts never hold). */
function parseStrict(text: string) {
  return parseJsonDocument('x.json', text);
}

function keyLineOf(document: JsonDocument, node: JsonNode | undefined, key: string): number | undefined {
  const found = properties(node).find((entry) => entry.key === key);
  return found && document.lineAt(found.offset);
}

describe('parseJsonDocument nesting limit', () => {
  it.each([
    [MAX_JSON_DEPTH, []],
    [MAX_JSON_DEPTH + 1, ['JSON nested deeper than 512 levels is not read']],
  ])('%i levels → %j', (depth, messages) => {
    const text = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(parseJsonDocument('x.json', text).errors.map((error) => error.message)).toEqual(messages);
  });

  it('brackets inside strings do not count', () => {
    const text = JSON.stringify({ note: '['.repeat(2000) + '\\"{' });
    expect(parseJsonDocument('x.json', text).errors).toEqual([]);
  });
});

describe('parseJsonDocument positions, errors and partial results', () => {
  it('records the line of every member key', () => {
    const text = '{\n  "a": 1,\n  "b": {\n    "c": [true,\n null]\n  }\n}';
    const document = parseStrict(text);
    const { root, errors } = document;
    expect(errors).toEqual([]);
    expect(keyLineOf(document, root, 'a')).toBe(2);
    const b = property(root, 'b');
    expect(keyLineOf(document, root, 'b')).toBe(3);
    expect(keyLineOf(document, b, 'c')).toBe(4);
    expect(plainValue(root!)).toEqual({ a: 1, b: { c: [true, null] } });
  });

  it.each([
    ['', 1],
    ['this is not json!', 1],
    ['{\n"a": 1,\n}', 3],
    ['{\n"a": 1\n"b": 2}', 3],
    ['{"a": "unterminated\n}', 1],
    ['[1, 2]\n\nx', 3],
    ['{"a": 01}', 1],
    ['{"a": "\\x"}', 1],
    ['['.repeat(2000), 1],
  ])('reports %j as an error on line %i', (text, line) => {
    const { errors } = parseStrict(text);
    expect(errors.map((error) => error.location?.line)).toEqual([line]);
  });

  it('keeps what was read before an error and marks cut containers incomplete', () => {
    const document = parseStrict('{\n "done": {"v": 1},\n "cut": {"v": 2,');
    expect(document.errors.map((error) => error.location?.line)).toEqual([3]);
    const done = property(document.root, 'done')!;
    const cut = property(document.root, 'cut')!;
    expect(done.type === 'object' && isIntact(document, done)).toBe(true);
    expect(cut.type === 'object' && isIntact(document, cut)).toBe(false);
  });

  it('makes __proto__ an ordinary member', () => {
    const { root } = parseStrict('{"__proto__": {"x": 1}}');
    const plain = plainValue(root!) as Record<string, unknown>;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain)).toEqual(['__proto__']);
  });

  it('agrees with JSON.parse on generated JSON documents', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const { root, errors } = parseStrict(text);
        expect(errors).toEqual([]);
        expect(plainValue(root!)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts exactly what JSON.parse accepts', () => {
    const token = fc.constantFrom('{', '}', '[', ']', ':', ',', '"a"', '"\\u00e9"', '"\\q"', '1', '-0.5e3', '01', 'true', 'nul', ' ', '\n', 'x');
    const candidate = fc.oneof(fc.string({ maxLength: 40 }), fc.array(token, { maxLength: 20 }).map((tokens) => tokens.join('')));
    fc.assert(
      fc.property(candidate, (text) => {
        expect(parseStrict(text).errors.length === 0).toBe(jsonParses(text));
      }),
      { numRuns: 1000 },
    );
  });

  /** A node as data: parent links dropped, children compared in order. */
  function shape(node: Node | undefined): unknown {
    if (!node) return node;
    const { parent: _parent, children, ...rest } = node;
    return children ? { ...rest, children: children.map(shape) } : rest;
  }

  it("builds the tree jsonc-parser's parseTree builds, damaged input and recovery included", () => {
    const token = fc.constantFrom('{', '}', '[', ']', ':', ',', '"a"', '"b"', '1', 'true', 'null', ' ', '\n', 'x', '"');
    const damaged = fc.tuple(fc.jsonValue(), fc.array(token, { maxLength: 6 }), fc.nat()).map(([value, noise, at]) => {
      const text = JSON.stringify(value, null, 1);
      const cut = at % (text.length + 1);
      return text.slice(0, cut) + noise.join('') + text.slice(cut);
    });
    fc.assert(
      fc.property(fc.oneof(damaged, fc.array(token, { maxLength: 30 }).map((tokens) => tokens.join(''))), (text) => {
        const reference = parseTree(text, [], { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
        expect(shape(parseStrict(text).root)).toEqual(shape(reference));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('parseJsonDocument keep', () => {
  const text = '{\n  "keep": {"a": 1, "drop": [1, 2, {"x": 3}], "b": [10, 20, 30]},\n  "drop": {"deep": [[[]]]},\n  "broken": [1, 2\n}';

  it('builds only the values asked for; a refused member is left out whole', () => {
    const asked: string[] = [];
    const document = parseJsonDocument('x.json', text, {
      keep: (path) => {
        asked.push(path.join('.'));
        return path[0] !== 'drop' && path[1] !== 'drop' && path[2] !== 1;
      },
    });
    expect(plainValue(document.root!)).toEqual({ keep: { a: 1, b: [10, 30] }, broken: [1, 2] });
    // Only children of kept values are asked about: nothing inside "drop" is.
    expect(asked).toEqual(['keep', 'keep.a', 'keep.drop', 'keep.b', 'keep.b.0', 'keep.b.1', 'keep.b.2', 'drop', 'broken', 'broken.0', 'broken.1']);
  });

  it('still reports the first syntax error, wherever it is', () => {
    const document = parseJsonDocument('x.json', '{"drop": [1 2], "a": 1}', { keep: (path) => path[0] !== 'drop' });
    expect(document.errors.map((error) => error.location?.line)).toEqual([1]);
    expect(document.firstErrorOffset).toBe(12);
    expect(plainValue(document.root!)).toEqual({ a: 1 });
  });

  it('keeps lines right after skipped parts and past a byte-order mark', () => {
    const document = parseJsonDocument('x.json', '\uFEFF{\n"drop": [\n1,\n2],\n"a": 1}', { keep: (path) => path[0] !== 'drop' });
    expect(keyLineOf(document, document.root, 'a')).toBe(5);
  });
});
