import { describe, expect, it } from 'vitest';
import { orderByImportance } from './ordering.js';

describe('orderByImportance', () => {
  it('orders by score, then name; repositories without a score come last', () => {
    const items = ['z/none', 'a/none', 'm/low', 'q/high'].map((repo) => ({ repo }));
    const ordered = orderByImportance(items, [
      { repo: 'q/high', score: 1, reason: '' },
      { repo: 'm/low', score: 0.2, reason: '' },
    ]);
    expect(ordered.map((item) => item.repo)).toEqual(['q/high', 'm/low', 'a/none', 'z/none']);
  });
});
