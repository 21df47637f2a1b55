import fc from 'fast-check';
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
});
