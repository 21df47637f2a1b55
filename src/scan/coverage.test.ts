import { describe, expect, it } from 'vitest';
import type { EcosystemCoverage } from '../advisories/store.js';
import { advisoryCoverage } from './coverage.js';

/** A source answering coverage() from a table, recording what it was asked. */
function source(table: Record<string, Omit<EcosystemCoverage, 'ecosystem'>>) {
  const asked: string[][] = [];
  return {
    asked,
    coverage(ecosystems?: readonly string[]): EcosystemCoverage[] {
      asked.push([...(ecosystems ?? [])]);
      return (ecosystems ?? []).map((ecosystem) => ({ ecosystem, ...(table[ecosystem] ?? { advisories: 0, newestModified: null }) }));
    },
  };
}

describe('advisoryCoverage', () => {
  it('counts packages per ecosystem and marks an ecosystem the sources hold nothing for as not checked', () => {
    const database = source({ PyPI: { advisories: 2661, newestModified: '2024-10-01T00:00:00Z' } });
    const packages = [{ ecosystem: 'npm' as const }, { ecosystem: 'PyPI' as const }, { ecosystem: 'PyPI' as const }, { ecosystem: 'conda' as const }];
    expect(advisoryCoverage(packages, [database])).toEqual([
      { ecosystem: 'PyPI', packages: 2, advisories: 2661, newestModified: '2024-10-01T00:00:00Z', checked: true },
      { ecosystem: 'conda', packages: 1, advisories: 0, newestModified: null, checked: false },
      { ecosystem: 'npm', packages: 1, advisories: 0, newestModified: null, checked: false },
    ]);
    // Only the scanned ecosystems are asked about, once.
    expect(database.asked).toEqual([['PyPI', 'conda', 'npm']]);
  });

  it('adds the counts of several sources and keeps the newest date, compared as instants', () => {
    const database = source({ PyPI: { advisories: 10, newestModified: '2024-10-01T12:00:00Z' } });
    // 13:00 at +02:00 is 11:00 UTC: older, although its text sorts after.
    const folder = source({ PyPI: { advisories: 3, newestModified: '2024-10-01T13:00:00+02:00' }, npm: { advisories: 1, newestModified: '2024-09-01T00:00:00Z' } });
    expect(advisoryCoverage([{ ecosystem: 'PyPI' }, { ecosystem: 'npm' }], [database, folder])).toEqual([
      { ecosystem: 'PyPI', packages: 1, advisories: 13, newestModified: '2024-10-01T12:00:00Z', checked: true },
      { ecosystem: 'npm', packages: 1, advisories: 1, newestModified: '2024-09-01T00:00:00Z', checked: true },
    ]);
  });

  it('without any source, nothing is checked; without packages, there is no entry', () => {
    expect(advisoryCoverage([{ ecosystem: 'Debian' }], [])).toEqual([{ ecosystem: 'Debian', packages: 1, advisories: 0, newestModified: null, checked: false }]);
    expect(advisoryCoverage([], [source({})])).toEqual([]);
  });
});
