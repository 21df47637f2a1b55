import { describe, expect, it } from 'vitest';
import { cleanReport, GHSA_4952, sampleReport } from './sample-report.fixture.js';
import type { ReportSummary } from './summary.js';
import { describeSummary, formatLocation, otherIds, pluralize, severityLabel, summarizeReport } from './summary.js';

describe('summarizeReport', () => {
  it('counts findings, vulnerable packages, files, errors and unreachable sources', () => {
    const summary = summarizeReport(sampleReport());
    expect(summary).toEqual({
      findings: 4,
      vulnerablePackages: 2,
      scannedPackages: 4,
      files: 3,
      errors: 1,
      notScannable: 1,
      reachableSources: 1,
      unreachableSources: [{ name: 'osv-api', reachable: false, error: 'connect ECONNREFUSED 127.0.0.1:8443' }],
      unchecked: [],
    });
  });
});

describe('describeSummary', () => {
  const base: ReportSummary = {
    findings: 0,
    vulnerablePackages: 0,
    scannedPackages: 1,
    files: 1,
    errors: 0,
    notScannable: 0,
    reachableSources: 1,
    unreachableSources: [],
    unchecked: [],
  };
  it.each<[string, ReportSummary, string]>([
    ['nothing found, singular', base, 'No known vulnerabilities found in 1 package from 1 file'],
    ['nothing found in nothing', { ...base, scannedPackages: 0, files: 0 }, 'No known vulnerabilities found in 0 packages from 0 files'],
    [
      'one finding',
      { ...base, findings: 1, vulnerablePackages: 1, scannedPackages: 12 },
      '1 finding in 1 package from 1 file (12 packages scanned)',
    ],
    [
      'errors and two unreachable sources beside one that answered',
      {
        ...base,
        errors: 2,
        unreachableSources: [
          { name: 'osv-api', reachable: false },
          { name: 'mirror', reachable: false },
        ],
      },
      'No known vulnerabilities found in 1 package from 1 file; 2 errors; 2 advisory sources unreachable: osv-api, mirror',
    ],
    [
      'no source answered: nothing was checked, never "no known vulnerabilities"',
      { ...base, reachableSources: 0, unreachableSources: [{ name: 'osv-api', reachable: false }] },
      'Not checked: no advisory source could be used for 1 package from 1 file; 1 advisory source unreachable: osv-api',
    ],
    [
      'an ecosystem without advisories: its packages are not counted as clean (issue 10)',
      { ...base, scannedPackages: 5, files: 2, unchecked: [{ ecosystem: 'npm', packages: 2 }] },
      'No known vulnerabilities found in 3 checked packages from 2 files; not checked, no advisories for them: npm (2 packages)',
    ],
    [
      'every ecosystem without advisories: not checked at all',
      { ...base, scannedPackages: 3, unchecked: [{ ecosystem: 'conda', packages: 1 }, { ecosystem: 'npm', packages: 2 }] },
      'Not checked: no advisories for conda (1 package), npm (2 packages) from 1 file',
    ],
    [
      'findings, and an ecosystem that was not checked',
      { ...base, findings: 1, vulnerablePackages: 1, scannedPackages: 4, unchecked: [{ ecosystem: 'npm', packages: 1 }] },
      '1 finding in 1 package from 1 file (4 packages scanned); not checked, no advisories for them: npm (1 package)',
    ],
    [
      'no source answered: the ecosystems are not listed again',
      { ...base, reachableSources: 0, unreachableSources: [{ name: 'db', reachable: false }], unchecked: [{ ecosystem: 'PyPI', packages: 1 }] },
      'Not checked: no advisory source could be used for 1 package from 1 file; 1 advisory source unreachable: db',
    ],
  ])('%s', (_name, summary, expected) => {
    expect(describeSummary(summary)).toBe(expected);
  });

  it('matches the clean fixture', () => {
    expect(describeSummary(summarizeReport(cleanReport()))).toBe('No known vulnerabilities found in 2 packages from 1 file');
  });
});

describe('small helpers', () => {
  it.each([
    [{ path: 'poetry.lock', line: 812 }, 'poetry.lock:812'],
    [{ path: 'Dockerfile' }, 'Dockerfile'],
  ])('formatLocation(%j) = %s', (location, expected) => {
    expect(formatLocation(location)).toBe(expected);
  });

  it('pluralize', () => {
    expect(pluralize(1, 'file')).toBe('1 file');
    expect(pluralize(2, 'file')).toBe('2 files');
    expect(pluralize(0, 'advisory source')).toBe('0 advisory sources');
  });

  it('otherIds leaves out the representative id', () => {
    expect(otherIds(GHSA_4952)).toEqual(['CVE-2021-32797']);
  });

  it('severityLabel', () => {
    expect(severityLabel(GHSA_4952.severity)).toBe('high 7.4');
    expect(severityLabel({ level: 'medium', source: 'database' })).toBe('medium');
  });
});
