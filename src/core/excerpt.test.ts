import { describe, expect, it } from 'vitest';
import { excerpt } from './excerpt.js';

describe('excerpt', () => {
  it('keeps short text, cuts long text with an ellipsis', () => {
    expect(excerpt('requests==2.0')).toBe('requests==2.0');
    expect(excerpt('AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyz0123456789', 10)).toBe('AWS_SECRET…');
  });
  it('shows control characters escaped', () => {
    expect(excerpt('a\u0000b\nc')).toBe('a\\x00b\\x0ac');
  });
  it('never ends on half a surrogate pair', () => {
    expect(excerpt('ab😀cd', 3)).toBe('ab…');
  });
  it('is linear: a 10 MB line is cut without scanning the rest', () => {
    const long = 'x'.repeat(10_000_000);
    expect(excerpt(long)).toHaveLength(41);
  });
});
