import fc from 'fast-check';
import { parseSyml, stringifySyml } from '@yarnpkg/parsers';
import { describe, expect, it } from 'vitest';
import { readSharedFile } from '../../../test/extractor-testing.js';
import { parseBerryFastPath, readBerryFastPath } from './berry-fast-path.js';
import { indexKeyLines } from './key-lines.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

const realBerryLockfiles = [
  'projects/jupyterlab/jupyterlab/yarn.lock',
  'projects/jupyterlab/jupyterlab/jupyterlab/staging/yarn.lock',
  'projects/jupyter/notebook/yarn.lock',
  'projects/jupyterlab/lumino/yarn.lock',
  'projects/jupyter-widgets/ipywidgets/yarn.lock',
];

describeWithSharedData('parseBerryFastPath on real lockfiles', () => {
  it.each(realBerryLockfiles)('reads %s exactly as parseSyml does', (relative) => {
    const text = readSharedFile(relative);
    const fast = parseBerryFastPath(text);
    expect(fast).not.toBeNull();
    expect(fast).toEqual(parseSyml(text));
  });

  it.each(realBerryLockfiles)('indexes the key lines of %s as indexKeyLines does, in the same pass', (relative) => {
    const text = readSharedFile(relative);
    expect(readBerryFastPath(text)?.lineOf).toEqual(indexKeyLines(text).lineOf);
  });
});

describe('parseBerryFastPath', () => {
  it('agrees with parseSyml on whatever stringifySyml writes', () => {
    const scalar = fc.string({ maxLength: 20 });
    const key = fc.string({ minLength: 1, maxLength: 20 });
    const mapping = fc.letrec((tie) => ({
      node: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, scalar, tie('node')), { minKeys: 1, maxKeys: 5 }),
    })).node;
    fc.assert(
      fc.property(mapping, (value) => {
        const text = stringifySyml(value);
        const fast = parseBerryFastPath(text);
        // The fast path may decline (then parseSyml is used), but when it answers it must agree.
        if (fast !== null) expect(fast).toEqual(parseSyml(text));
      }),
      { numRuns: 500 },
    );
  });

  it('indexes key lines as indexKeyLines does, top-level scalars and repeated descriptors included', () => {
    const scalar = fc.string({ maxLength: 12 });
    const descriptor = fc.constantFrom('a@npm:1', 'a@npm:^1', 'b@npm:2', '@s/c@npm:3', 'd', 'e f');
    const key = fc.array(descriptor, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(', '));
    const lockfile = fc.dictionary(key, fc.oneof(scalar, fc.record({ version: scalar, resolution: scalar })), { minKeys: 1, maxKeys: 8 });
    fc.assert(
      fc.property(lockfile, fc.boolean(), (value, crlf) => {
        let text = stringifySyml(value);
        if (crlf) text = text.replace(/\n/g, '\r\n');
        const fast = readBerryFastPath(text);
        if (fast !== null) expect(fast.lineOf).toEqual(indexKeyLines(text).lineOf);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps only the entry fields asked for, reading (and declining) every line as before', () => {
    const text = '__metadata:\n  version: 8\n"a@npm:1":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n  dependencies:\n    b: "npm:^2"\n  odd:\n    deeper:\n      x: y\n';
    expect(readBerryFastPath(text, new Set(['version', 'resolution']))?.value).toEqual({ __metadata: { version: '8' }, 'a@npm:1': { version: '1.0.0', resolution: 'a@npm:1.0.0' } });
    expect(readBerryFastPath('"a@npm:1":\n  resolution:\n    x: y\n', new Set(['resolution']))?.value).toEqual({ 'a@npm:1': { resolution: {} } });
    expect(readBerryFastPath(`${text}  dependencies:\n    - b\n`, new Set(['version']))).toBeNull();
  });

  it('reads a line by its common shape exactly as key by key, for any line', () => {
    const piece = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('a', 'a@npm:1.0.0', '"x"', '"a\\"b"', 'b c', '-x', '@s/p', ':', ' ', '\t', '"\u0001"'));
    const line = fc.tuple(fc.constantFrom('', '  ', '    '), piece, fc.constantFrom(':', ': ', ':  ', ''), fc.option(piece, { nil: '' }), fc.constantFrom('', '\r'));
    fc.assert(
      fc.property(line, ([indent, key, colon, value, ending]) => {
        const text = `${indent}${key}${colon}${value}${ending}\n`;
        const indented = indent === '' ? text : `x:\n${indent === '  ' ? '' : '  y:\n'}${text}`;
        expect(readBerryFastPath(indented)?.value ?? null).toEqual(readBerryFastPath(indented) === null ? null : parseSyml(indented));
        // Keeping only some fields (lines under the others are only checked) accepts and declines the same text.
        expect(readBerryFastPath(indented, new Set(['version'])) === null).toBe(readBerryFastPath(indented) === null);
      }),
      { numRuns: 2000 },
    );
  });

  it('says how deep the text nests', () => {
    expect(readBerryFastPath('a: b\n')?.deepest).toBe(0);
    expect(readBerryFastPath('a:\n  b:\n    c: d\ne: f\n')?.deepest).toBe(2);
  });

  it.each([
    ['a flow sequence', 'a:\n  b: []\n'],
    ['a list', 'a:\n  - x\n'],
    ['a trailing comment', 'a: b # note\n'],
    ['a tab indent', 'a:\n\tb: c\n'],
    ['odd indentation', 'a:\n   b: c\n'],
    ['an empty mapping value', 'a:\n'],
    ['a single-quoted scalar', "a: 'b'\n"],
    ['a long key', '? "k"\n: v\n'],
    ['a key with no space before its value', 'a:b\n'],
    ['an over-indented line', 'a: b\n    c: d\n'],
  ])('declines %s (left to parseSyml)', (_label, text) => {
    expect(parseBerryFastPath(text)).toBeNull();
  });
});
