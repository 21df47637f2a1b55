import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.js';
import { matchGraphPackages } from './findings.js';

function node(ecosystem: 'PyPI' | 'npm' | 'conda', name: string, version: string) {
  return { ecosystem, name, version, purl: `pkg:${ecosystem.toLowerCase()}/${name}@${version}` };
}

describe('matchGraphPackages', () => {
  it('matches every version as scan does, borrows a severity from an alias, and says which ecosystems were not checked', () => {
    const store = openSqliteStore(':memory:');
    try {
      store.importRecords([
        // A PyPA-style record without severity; its GHSA alias carries one.
        { id: 'PYSEC-2026-1', aliases: ['GHSA-aaaa-bbbb-cccc'], modified: '2026-10-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'Jupyter_Server' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.14.1' }] }] }] },
        {
          id: 'GHSA-aaaa-bbbb-cccc',
          aliases: ['PYSEC-2026-1'],
          modified: '2026-11-01T00:00:00Z',
          affected: [{ package: { ecosystem: 'npm', name: 'unrelated' }, versions: ['0.0.1'] }],
          database_specific: { severity: 'CRITICAL' },
        },
      ]);
      const result = matchGraphPackages([node('PyPI', 'jupyter-server', '2.14.2'), node('PyPI', 'jupyter-server', '2.14.0'), node('conda', 'python', '3.12.0')], store);
      expect(result.findings.map((finding) => [finding.id, finding.package.version, finding.severity.level, finding.severity.borrowedFrom ?? null, finding.locations])).toEqual([
        // The representative id prefers the GHSA alias, as scan's does.
        ['GHSA-aaaa-bbbb-cccc', '2.14.0', 'critical', 'GHSA-aaaa-bbbb-cccc', []],
      ]);
      expect(result.coverage).toEqual([
        { ecosystem: 'PyPI', packages: 2, advisories: 1, newestModified: '2026-10-01T00:00:00Z', checked: true },
        { ecosystem: 'conda', packages: 1, advisories: 0, newestModified: null, checked: false },
      ]);
    } finally {
      store.close();
    }
  });
});
