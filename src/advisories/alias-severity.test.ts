import { describe, expect, it } from 'vitest';
import { severityFromAliases, type AliasLookup } from './alias-severity.js';
import type { OsvRecord } from './types.js';

/** A lookup over a list of records, as the store answers: idsFor = records whose id or aliases include the id. */
function lookupOf(records: readonly OsvRecord[]): AliasLookup {
  return {
    getRecord: (id) => records.find((record) => record.id === id) ?? null,
    idsFor: (id) => records.filter((record) => record.id === id || (record.aliases ?? []).includes(id)).map((record) => record.id).sort(),
  };
}

const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'; // 7.5
const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
const MEDIUM = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N'; // 6.5

function record(id: string, fields: Partial<OsvRecord> = {}): OsvRecord {
  return { id, modified: '2024-01-01T00:00:00Z', ...fields };
}
const jupyterServer = { ecosystem: 'PyPI' as const, name: 'jupyter_server', version: '1.0.0', purl: 'pkg:pypi/jupyter-server@1.0.0' };

describe('severityFromAliases', () => {
  it("takes a PYSEC finding's level from the GHSA record it names as an alias", () => {
    const ghsa = record('GHSA-aaaa', { aliases: ['CVE-2024-1'], severity: [{ type: 'CVSS_V3', score: HIGH }] });
    const severity = severityFromAliases({ ids: ['CVE-2024-1', 'GHSA-aaaa', 'PYSEC-2024-1'], package: jupyterServer }, [lookupOf([ghsa])]);
    expect(severity).toEqual({ level: 'high', score: 7.5, vector: HIGH, source: 'CVSS_V3', borrowedFrom: 'GHSA-aaaa' });
  });

  it('finds a record that names one of the ids as its alias (the GHSA record aliasing the CVE)', () => {
    const ghsa = record('GHSA-bbbb', { aliases: ['CVE-2024-2'], database_specific: { severity: 'MODERATE' } });
    expect(severityFromAliases({ ids: ['CVE-2024-2', 'PYSEC-2024-2'], package: jupyterServer }, [lookupOf([ghsa])])).toEqual({
      level: 'medium',
      source: 'database',
      borrowedFrom: 'GHSA-bbbb',
    });
  });

  it("uses only the alias's entries for the same package (normalised), never another package's score", () => {
    const ghsa = record('GHSA-cccc', {
      aliases: ['CVE-2024-3'],
      affected: [
        { package: { ecosystem: 'PyPI', name: 'other' }, severity: [{ type: 'CVSS_V3', score: CRITICAL }] },
        { package: { ecosystem: 'PyPI', name: 'Jupyter-Server' }, severity: [{ type: 'CVSS_V3', score: MEDIUM }] },
      ],
    });
    expect(severityFromAliases({ ids: ['CVE-2024-3'], package: jupyterServer }, [lookupOf([ghsa])])).toMatchObject({ level: 'medium', score: 6.5, borrowedFrom: 'GHSA-cccc' });
    const onlyOther = record('GHSA-dddd', { aliases: ['CVE-2024-4'], affected: [{ package: { ecosystem: 'npm', name: 'jupyter_server' }, severity: [{ type: 'CVSS_V3', score: CRITICAL }] }] });
    expect(severityFromAliases({ ids: ['CVE-2024-4'], package: jupyterServer }, [lookupOf([onlyOther])])).toBeNull();
  });

  it('the highest over every store and alias wins; withdrawn records and records without a level do not count', () => {
    const stores = [
      lookupOf([record('GHSA-eeee', { aliases: ['CVE-2024-5'], severity: [{ type: 'CVSS_V3', score: MEDIUM }] })]),
      lookupOf([
        record('GHSA-ffff', { aliases: ['CVE-2024-5'], severity: [{ type: 'CVSS_V3', score: CRITICAL }], withdrawn: '2024-02-01T00:00:00Z' }),
        record('OSV-gggg', { aliases: ['CVE-2024-5'], severity: [{ type: 'CVSS_V3', score: HIGH }] }),
        record('PYSEC-2024-5', { aliases: ['CVE-2024-5'] }),
      ]),
    ];
    expect(severityFromAliases({ ids: ['CVE-2024-5', 'PYSEC-2024-5'], package: jupyterServer }, stores)).toMatchObject({ level: 'high', borrowedFrom: 'OSV-gggg' });
  });

  it('is null when no record of the vulnerability gives a level', () => {
    expect(severityFromAliases({ ids: ['PYSEC-2024-6', 'CVE-2024-6'], package: jupyterServer }, [lookupOf([record('PYSEC-2024-6', { aliases: ['CVE-2024-6'] })])])).toBeNull();
    expect(severityFromAliases({ ids: ['PYSEC-2024-7'], package: jupyterServer }, [])).toBeNull();
  });
});
