import { describe, expect, it } from 'vitest';
import type { Finding, SeverityLevel } from '../advisories/types.js';
import { compareFindings, groupFindingsByAdvisory, mostSevere, orderReport } from './ordering.js';
import { GHSA_4952, GHSA_HRW6, PYSEC_2022_211, PYSEC_2022_212, sampleReport } from './sample-report.fixture.js';

function finding(level: SeverityLevel, name: string, id: string, score?: number): Finding {
  return {
    package: { ecosystem: 'PyPI', name, version: '1.0.0', purl: `pkg:pypi/${name}@1.0.0` },
    id,
    ids: [id],
    severity: score === undefined ? { level, source: 'database' } : { level, score, source: 'CVSS_V3' },
    fixed: [],
    locations: [],
  };
}

describe('compareFindings', () => {
  it.each<[string, Finding, Finding]>([
    ['critical before high', finding('critical', 'zeta', 'Z-1'), finding('high', 'alpha', 'A-1')],
    ['medium before low', finding('medium', 'b', 'B-1'), finding('low', 'a', 'A-1')],
    ['none before unknown (SEVERITY_ORDER)', finding('none', 'b', 'B-1'), finding('unknown', 'a', 'A-1')],
    ['same level: package name', finding('high', 'jupyter-server', 'Z-1'), finding('high', 'notebook', 'A-1')],
    ['same level and package: id', finding('high', 'notebook', 'GHSA-4952-p58q-6crx'), finding('high', 'notebook', 'PYSEC-2022-212')],
    ['code-point order, not locale order: upper case first', finding('high', 'Zope', 'A-1'), finding('high', 'alpha', 'A-1')],
  ])('%s', (_name, first, second) => {
    expect(compareFindings(first, second)).toBeLessThan(0);
    expect(compareFindings(second, first)).toBeGreaterThan(0);
  });

  it('a finding equals itself', () => {
    expect(compareFindings(GHSA_4952, GHSA_4952)).toBe(0);
  });
});

describe('orderReport', () => {
  it('sorts every list and leaves the input alone', () => {
    const report = sampleReport();
    const before = structuredClone(report);
    const ordered = orderReport(report);
    expect(report).toEqual(before);
    expect(ordered.findings.map((entry) => entry.id)).toEqual([
      'GHSA-hrw6-wg82-cm62',
      'GHSA-4952-p58q-6crx',
      'PYSEC-2022-212',
      'PYSEC-2022-211',
    ]);
    expect(ordered.files.map((file) => file.path)).toEqual(['poetry.lock', 'requirements-dev.txt', 'requirements.txt']);
    expect(ordered.sources.map((source) => source.name)).toEqual(['local', 'osv-api']);
    expect(ordered.findings[2]!.ids).toEqual(['CVE-2022-29238', 'GHSA-v7vq-3x77-87vg', 'PYSEC-2022-212']);
  });

  it('drops repeated locations and sorts them by path, then line', () => {
    const report = sampleReport();
    report.findings = [
      {
        ...GHSA_4952,
        locations: [
          { path: 'requirements.txt', line: 4 },
          { path: 'poetry.lock', line: 812 },
          { path: 'requirements.txt', line: 4 },
          { path: 'poetry.lock', line: 90 },
          { path: 'poetry.lock' },
        ],
      },
    ];
    expect(orderReport(report).findings[0]!.locations).toEqual([
      { path: 'poetry.lock' },
      { path: 'poetry.lock', line: 90 },
      { path: 'poetry.lock', line: 812 },
      { path: 'requirements.txt', line: 4 },
    ]);
  });

  it('breaks ties between the same package listed twice by location, so input order never shows', () => {
    const report = sampleReport();
    const tornado = report.packages.find((scanned) => scanned.name === 'tornado')!;
    const inEnvironment = { ...tornado, locations: [{ path: 'environment.yml', line: 9 }] };
    const forward = orderReport({ ...report, packages: [tornado, inEnvironment] });
    const backward = orderReport({ ...report, packages: [inEnvironment, tornado] });
    expect(forward.packages).toEqual(backward.packages);
    expect(forward.packages.map((scanned) => scanned.locations[0]!.path)).toEqual(['environment.yml', 'poetry.lock']);
  });

  it('keeps fixed versions in the ecosystem order it was given (a text sort would put 6.4.12 before 6.4.9)', () => {
    const report = sampleReport();
    report.findings = [{ ...PYSEC_2022_212, fixed: ['6.4.9', '6.4.12'] }];
    expect(orderReport(report).findings[0]!.fixed).toEqual(['6.4.9', '6.4.12']);
  });
});

describe('groupFindingsByAdvisory and mostSevere', () => {
  it('groups by representative id in order of first appearance', () => {
    const jupyterlab = { ...GHSA_4952, package: { ...GHSA_4952.package, name: 'jupyterlab', purl: 'pkg:pypi/jupyterlab@3.0.16' } };
    const groups = groupFindingsByAdvisory([GHSA_HRW6, GHSA_4952, jupyterlab, PYSEC_2022_211]);
    expect([...groups.keys()]).toEqual(['GHSA-hrw6-wg82-cm62', 'GHSA-4952-p58q-6crx', 'PYSEC-2022-211']);
    expect(groups.get('GHSA-4952-p58q-6crx')!.map((entry) => entry.package.name)).toEqual(['notebook', 'jupyterlab']);
  });

  it('picks the highest level, then the highest score', () => {
    expect(mostSevere([finding('medium', 'a', 'X'), finding('high', 'b', 'X', 7.1), finding('high', 'c', 'X', 8.2)]).package.name).toBe('c');
    expect(mostSevere([finding('unknown', 'a', 'X'), finding('none', 'b', 'X')]).package.name).toBe('b');
    expect(() => mostSevere([])).toThrow();
  });
});
