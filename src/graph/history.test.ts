import { describe, expect, it } from 'vitest';
import { resolveReference } from './history.js';

describe('resolveReference', () => {
  it.each([
    [[1, 2, 5], 'latest', 5],
    [[1, 2, 5], 'latest~0', 5],
    [[1, 2, 5], 'latest~2', 1],
    [[1, 2, 5], '2', 2],
    [[1, 2, 5], ' 5 ', 5],
  ])('%j %s → %i', (ids, reference, expected) => {
    expect(resolveReference(ids, reference)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [[], 'latest', /no graph snapshots yet/],
    [[1, 2], 'latest~2', /only 2 snapshots exist/],
    [[1], 'latest~1', /only 1 snapshot exists/],
    [[1, 2], '3', /no snapshot 3 \(ids 1–2\)/],
    [[1, 2], 'newest', /not a snapshot reference/],
    [[1, 2], '-1', /not a snapshot reference/],
  ])('%j %s is an error', (ids, reference, message) => {
    const result = resolveReference(ids, reference);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-argument');
      expect(result.error.message).toMatch(message);
    }
  });
});
