import { describe, expect, it } from 'vitest';
import { compareText } from './compare.js';

describe('compareText', () => {
  // Rows 4 to 7 are pairs that `localeCompare` orders the other way (with Node's ICU data):
  // upper case, `_` and accents do not move with the machine's language here.
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['B', 'a', -1],
    ['osv:PyPI', 'osv:npm', -1],
    ['a_b', 'a-b', 1],
    ['b', 'ä', -1],
    ['10', '9', -1],
    ['', 'a', -1],
  ])('%s vs %s', (a, b, expected) => {
    expect(compareText(a, b)).toBe(expected);
  });

  it('sorts a list into the same order as the default sort of strings', () => {
    const names = ['zeta', 'Alpha', 'alpha', 'a-b', 'a_b', 'a.b', '9', '10', 'ä', '@scope/x'];
    expect([...names].sort(compareText)).toEqual([...names].sort());
  });
});
