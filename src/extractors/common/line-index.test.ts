import { describe, expect, it } from 'vitest';
import { lineCounter, lineIndex } from './line-index.js';

describe('lineIndex', () => {
  it.each([
    [0, 1],
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 3],
  ])('offset %i of "a\\n\\nc" is on line %i', (offset, line) => {
    expect(lineIndex('a\n\nc')(offset)).toBe(line);
  });

  it('maps offsets to 1-based lines', () => {
    const lineAt = lineIndex('ab\ncd\n\ne');
    expect([0, 2, 3, 5, 6, 7, 8].map(lineAt)).toEqual([1, 1, 2, 2, 3, 4, 4]);
  });
});

describe('lineCounter', () => {
  it('gives the same lines as lineIndex for offsets met in order, and for any offset after that', () => {
    const text = 'ab\ncd\n\ne\n';
    const index = lineIndex(text);
    const counter = lineCounter(text);
    const offsets = [0, 2, 3, 3, 5, 6, 7, 8, 9, 1, 6];
    expect(offsets.map(counter)).toEqual(offsets.map(index));
  });
});
