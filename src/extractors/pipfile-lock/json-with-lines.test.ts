import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberOf, parseJsonWithLines, toPlainValue } from './json-with-lines.js';

function jsonParses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('parseJsonWithLines', () => {
  it('records the line of every member key', () => {
    const text = '{\n  "a": 1,\n  "b": {\n    "c": [true,\n null]\n  }\n}';
    const { root, error } = parseJsonWithLines(text);
    expect(error).toBeUndefined();
    expect(memberOf(root, 'a')?.line).toBe(2);
    const b = memberOf(root, 'b');
    expect(b?.line).toBe(3);
    expect(memberOf(b?.value, 'c')?.line).toBe(4);
    expect(toPlainValue(root!)).toEqual({ a: 1, b: { c: [true, null] } });
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
    const { error } = parseJsonWithLines(text);
    expect(error?.line).toBe(line);
  });

  it('keeps what was read before an error and marks cut containers incomplete', () => {
    const { root, error } = parseJsonWithLines('{\n "done": {"v": 1},\n "cut": {"v": 2,');
    expect(error?.line).toBe(3);
    const done = memberOf(root, 'done')!.value;
    const cut = memberOf(root, 'cut')!.value;
    expect(done.kind === 'object' && done.complete).toBe(true);
    expect(cut.kind === 'object' && cut.complete).toBe(false);
  });

  it('makes __proto__ an ordinary member', () => {
    const { root } = parseJsonWithLines('{"__proto__": {"x": 1}}');
    const plain = toPlainValue(root!) as Record<string, unknown>;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain)).toEqual(['__proto__']);
  });

  it('agrees with JSON.parse on generated JSON documents', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const { root, error } = parseJsonWithLines(text);
        expect(error).toBeUndefined();
        expect(toPlainValue(root!)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts exactly what JSON.parse accepts', () => {
    const token = fc.constantFrom('{', '}', '[', ']', ':', ',', '"a"', '"\\u00e9"', '"\\q"', '1', '-0.5e3', '01', 'true', 'nul', ' ', '\n', 'x');
    const candidate = fc.oneof(fc.string({ maxLength: 40 }), fc.array(token, { maxLength: 20 }).map((tokens) => tokens.join('')));
    fc.assert(
      fc.property(candidate, (text) => {
        expect(parseJsonWithLines(text).error === undefined).toBe(jsonParses(text));
      }),
      { numRuns: 1000 },
    );
  });
});
