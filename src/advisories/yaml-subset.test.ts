import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify, type ToStringOptions } from 'yaml';
import { describe, expect, it } from 'vitest';
import { YAML_OPTIONS } from './advisory-format.js';
import { yamlNestingExceeds } from '../core/nesting.js';
import { parseYamlSubset, surelyNestedWithin } from './yaml-subset.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';

/**
 * parseYamlSubset against the library it stands in for: whatever it answers
 * must be what the library gives (values, key order, and the library must
 * not reject the text); it may only decline (undefined).
 */

/** A value with its key order visible to toEqual. */
function layout(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(layout);
  if (typeof value === 'object' && value !== null) return Object.keys(value).map((key) => [key, layout((value as Record<string, unknown>)[key])]);
  return value;
}

function library(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parse(text, YAML_OPTIONS) };
  } catch {
    return { ok: false };
  }
}

/** The subset's answer, checked against the library's; true when it answered. */
function agrees(text: string): boolean {
  const mine = parseYamlSubset(text);
  if (mine === undefined) return false;
  const theirs = library(text);
  expect(theirs.ok, `the library rejects what the subset read:\n${text}`).toBe(true);
  if (theirs.ok) expect(layout(mine), text).toEqual(layout(theirs.value));
  return true;
}

function sharedTexts(): string[] {
  const vulns = sharedDataPath('osv', 'pypa', 'vulns');
  const texts: string[] = [];
  for (const folder of readdirSync(vulns).filter((name) => !name.startsWith('.'))) {
    for (const name of readdirSync(path.join(vulns, folder)).filter((file) => file.endsWith('.yaml'))) texts.push(readFileSync(path.join(vulns, folder, name), 'utf8'));
  }
  return texts;
}

describeWithSharedData('parseYamlSubset on the shared PyPA records', () => {
  it('reads every one as the library does', () => {
    const texts = sharedTexts();
    expect(texts.length).toBe(2661);
    const declined = texts.filter((text) => !agrees(text));
    // The point is speed: all of them are in the subset.
    expect(declined).toEqual([]);
  });

  it('never answers differently from the library on mutated records', () => {
    const texts = sharedTexts().filter((_text, index) => index % 7 === 0);
    const insertions = [' ', '  ', '-', '- ', ':', ': ', '#', ' #', "'", '"', '\\', '\n', '\n\n', '|', '|-', '>', 'a', '\t', '[', '{', '&a ', '*a', '!', '~', 'null', 'true', '\\x4', '\\u00e9'];
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...insertions)), { minLength: 1, maxLength: 3 }), (which, edits) => {
        let text = texts[which]!;
        for (const [at, kind, insertion] of edits) {
          const position = at % (text.length + 1);
          if (kind === 0) text = text.slice(0, position) + insertion + text.slice(position);
          else if (kind === 1) text = text.slice(0, position) + text.slice(position + 1);
          else if (kind === 2) {
            // Re-indent the line holding `position`.
            const start = text.lastIndexOf('\n', position - 1) + 1;
            text = text.slice(0, start) + (at % 2 === 0 ? ' ' : '') + text.slice(start + (at % 2 === 0 ? 0 : 1));
          } else {
            const start = text.lastIndexOf('\n', position - 1) + 1;
            const end = text.indexOf('\n', position);
            const line = text.slice(start, end === -1 ? text.length : end + 1);
            text = text.slice(0, start) + line + text.slice(start);
          }
        }
        agrees(text);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

const word = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom('id', 'name', 'versions', 'fixed', 'x', 'a_b', 'with-dash', 'v1.2', 'details', 'summary') },
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', 'False', '~', '__proto__', 'key with space', '0', '-x') },
);
const text = fc.oneof(
  fc.lorem({ maxCount: 30 }),
  fc.constantFrom('', ' ', 'null', 'Null', '~', 'true', 'TRUE', 'no', 'yes', '1.10', '007', '0x1F', '.inf', '-1', '- x', '-x', ':x', '?x', 'a: b', 'a #b', 'a#b', 'end:', "it's", 'say "hi"', '\\', 'line\nbreak', 'two\n\nbreaks', 'trailing ', ' leading', 'tab\there', 'é ü ’', '\u2028', '\u00a0x\u00a0', 'a\r\nb', 'https://example.test/a#b', 'CVSS:3.1/AV:N', '[x]', '{y}', '*a', '&b', '!c', '%d', '@e', '`f`', '|', '>'),
  fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '#', '-', "'", '"', '\\', '\n', 'é', '\u{1F600}', '\t', '[', ',', '|'), maxLength: 30 }),
);
const document = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.constantFrom(null, true, false), fc.array(fc.oneof(text, tie('map')), { maxLength: 4 }), tie('map')),
  map: fc.dictionary(word, tie('value'), { maxKeys: 5 }),
})).map;
const styles: fc.Arbitrary<ToStringOptions> = fc.record({
  defaultStringType: fc.constantFrom('PLAIN', 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constant('PLAIN'),
  lineWidth: fc.constantFrom(0, 20, 80),
  minContentWidth: fc.constantFrom(0, 20),
  indentSeq: fc.boolean(),
  indent: fc.constantFrom(2, 4),
  doubleQuotedAsJSON: fc.boolean(),
  doubleQuotedMinMultiLineLength: fc.constantFrom(10, 40),
}) as fc.Arbitrary<ToStringOptions>;

describe('parseYamlSubset on generated documents', () => {
  it('never answers differently from the library, whatever style wrote them', () => {
    let answered = 0;
    fc.assert(
      fc.property(document, styles, (value, options) => {
        let written: string;
        try {
          written = stringify(value, options);
        } catch {
          return;
        }
        if (agrees(written)) answered++;
      }),
      { numRuns: 4000, seed: 20261206 },
    );
    // Most generated documents are in the subset, so the comparison is not vacuous.
    expect(answered).toBeGreaterThan(1000);
  });

  it.each([
    ['a literal block keeping its trailing lines', 'details: |+\n  a\n\n  b\n\n\nnext: x\n'],
    ['a literal block with an indentation indicator', 'details: |2-\n    indented\n  text\n'],
    ['a literal block whose blank line is longer than its indentation', 'details: |\n  a\n     \n  b\n'],
    ['a plain scalar over lines with a blank one', 'summary: one\n  two\n\n  three\nnext: x\n'],
    ['a single-quoted scalar over lines', "details: 'it''s\n  long\n\n  text'\n"],
    ['a double-quoted scalar with escapes and an escaped break', 'details: "a\\tb \\u00e9\\\n  \\ c\\x41\\U0001F600"\n'],
    ['a double-quoted scalar with a lone surrogate', 'details: "\\ud800"\n'],
    ['an indentless sequence of compact mappings', 'affected:\n- package:\n    name: x\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: "0"\n'],
    ['an indented sequence and empty collections', 'a:\n    - x\n    - y\nb: []\nc: {}\nd:\n'],
    ['a repeated key', 'id: A\nmodified: x\nid: B\n'],
    ['a plain scalar starting with a dash', 'versions:\n- -class-\n- :x\n'],
    ['blank lines between entries', 'a: 1\n\nb:\n\n- x\n\n- y\n\n'],
    ['a plain continuation that starts with a quote or a dash', 'summary: a\n  "b" c\n  - d\n'],
  ])('agrees on %s', (_label, yamlText) => {
    expect(agrees(yamlText)).toBe(true);
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a comment', '# note\na: 1\n'],
    ['a flow sequence', 'a: [1, 2]\n'],
    ['a folded scalar', 'a: >\n  x\n'],
    ['no final line break', 'a: 1'],
    ['CRLF', 'a: 1\r\n'],
    ['a tab', 'a:\t1\n'],
    ['a document marker', '---\na: 1\n'],
    ['a key that is no word', '"a": 1\n'],
    ['a mapping inside a plain scalar', 'a: b: c\n'],
    ['a __proto__ key', '__proto__: 1\n'],
  ])('declines %s', (_label, yamlText) => {
    expect(parseYamlSubset(yamlText)).toBeUndefined();
  });
});

describe('surelyNestedWithin', () => {
  it('is true only where yamlNestingExceeds finds nothing', () => {
    const piece = fc.constantFrom('- ', '-', ' ', '  ', 'a', 'key: ', ': ', '[', ']', '{', '}', ',', '"', "'", '|', '>', '#', '\n', '\n  ', '\n- ', '\r\n', '---\n', '&a ', '\t');
    let surely = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (pieces, limit) => {
        const text = pieces.join('');
        if (!surelyNestedWithin(text, limit)) return;
        surely++;
        expect(yamlNestingExceeds(text, limit), JSON.stringify(text)).toBeNull();
      }),
      { numRuns: 20_000, seed: 3 },
    );
    expect(surely).toBeGreaterThan(1000);
  });

  it('holds the real limit for the shared records', () => {
    const texts = hasSharedTexts() ? sharedTexts() : [];
    for (const text of texts) expect(surelyNestedWithin(text, 256)).toBe(true);
  });
});

function hasSharedTexts(): boolean {
  try {
    return readdirSync(sharedDataPath('osv', 'pypa', 'vulns')).length > 0;
  } catch {
    return false;
  }
}
