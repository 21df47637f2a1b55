import { describe, expect, it } from 'vitest';
import { describeAge, staleAdvisories } from './freshness.js';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-03-15T12:00:00Z');

describe('staleAdvisories', () => {
  it('names the ecosystems whose newest record is older than the allowed age, with their age in days', () => {
    const coverage = [
      { ecosystem: 'PyPI', newestModified: '2026-03-14T00:00:00Z' },
      { ecosystem: 'npm', newestModified: '2026-02-20T11:59:59.999999999Z' },
      // 7 days and 0 seconds old: not older than 7 days.
      { ecosystem: 'Debian', newestModified: '2026-03-08T14:00:00+02:00' },
      { ecosystem: 'conda', newestModified: null },
    ];
    expect(staleAdvisories(coverage, now, 7 * DAY)).toEqual([{ ecosystem: 'npm', newestModified: '2026-02-20T11:59:59.999999999Z', ageMs: 23 * DAY + 1 }]);
    expect(staleAdvisories(coverage, now, 6 * DAY).map((entry) => entry.ecosystem)).toEqual(['npm', 'Debian']);
  });
});

describe('describeAge', () => {
  it.each([
    [0, '0 hours'],
    [60 * 60 * 1000, '1 hour'],
    [47.9 * 60 * 60 * 1000, '47 hours'],
    [2 * DAY, '2 days'],
    [23 * DAY + 1, '23 days'],
  ])('%d ms → %s', (ms, text) => {
    expect(describeAge(ms)).toBe(text);
  });
});
