import fc from 'fast-check';
import { parseSyml, stringifySyml } from '@yarnpkg/parsers';
import { describe, expect, it } from 'vitest';
import { readSharedFile } from '../../../test/extractor-testing.js';
import { parseBerryFastPath } from './berry-fast-path.js';
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
