import { describe, expect, it } from 'vitest';
import type { RunIdentity } from './run-identity.js';
import { DEFAULT_RETENTION, runsToPrune, type RunStatus } from './runs.js';

function identity(key: string, adHoc = false): RunIdentity {
  return { key, hash: key, profile: null, label: key, adHoc, inputs: { roots: [], environments: [], orgs: [] } };
}

let nextId = 1;
function runs(key: string, days: string[], options: { adHoc?: boolean; partial?: number[] } = {}) {
  return days.map((day, index) => ({
    id: nextId++,
    startedAt: `${day}T12:00:00.000Z`,
    status: (options.partial?.includes(index) ? 'partial' : 'complete') as RunStatus,
    identity: identity(key, options.adHoc),
  }));
}

describe('runsToPrune', () => {
  it('keeps the last N per identity and the newest run of each month up to the identity’s newest', () => {
    nextId = 1;
    // 1..4 January, 5..6 February, 7 March.
    const history = runs('preset', ['2025-01-01', '2025-01-08', '2025-01-15', '2025-01-22', '2025-02-05', '2025-02-19', '2025-03-05']);
    expect(runsToPrune(history, { keepLast: 2, keepMonths: 24 })).toEqual([1, 2, 3, 5]);
    // Only the last two months count back from March.
    expect(runsToPrune(history, { keepLast: 1, keepMonths: 2 })).toEqual([1, 2, 3, 4, 5]);
    expect(runsToPrune(history, { keepLast: 1, keepMonths: 0 })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(runsToPrune(history, { keepLast: 10, keepMonths: 0 })).toEqual([]);
  });

  it('a month keeps its newest complete run over a newer partial one', () => {
    nextId = 1;
    const history = [...runs('preset', ['2025-01-01', '2025-01-20'], { partial: [1] }), ...runs('preset', ['2025-02-01'])];
    expect(runsToPrune(history, { keepLast: 1, keepMonths: 12 })).toEqual([2]);
  });

  it('counts each identity apart, and keeps only the last runs of an ad-hoc one', () => {
    nextId = 1;
    const preset = runs('preset', ['2025-01-01', '2025-02-01', '2025-03-01']);
    const experiment = runs('experiment', ['2025-01-02', '2025-02-02', '2025-03-02'], { adHoc: true });
    expect(runsToPrune([...experiment, ...preset], { keepLast: 1, keepMonths: 24 })).toEqual([4, 5]);
  });

  it('defaults to ten runs and two years', () => {
    expect(DEFAULT_RETENTION).toEqual({ keepLast: 10, keepMonths: 24 });
  });
});
