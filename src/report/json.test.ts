import { describe, expect, it } from 'vitest';
import { renderJson, SCAN_JSON_SCHEMA, toScanJsonDocument } from './json.js';
import { cleanReport, sampleReport } from './sample-report.fixture.js';
import type { ScanReport } from '../scan/types.js';

function parse(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

describe('renderJson', () => {
  it('has exactly the documented top-level keys, in order', () => {
    const document = parse(renderJson(sampleReport()));
    expect(Object.keys(document)).toEqual(['schema', 'tool', 'findings', 'packages', 'notScannable', 'errors', 'sources', 'coverage', 'image']);
    expect(document.schema).toBe('chainwatch.scan/1');
    expect(SCAN_JSON_SCHEMA).toBe('chainwatch.scan/1');
    expect(document.tool).toEqual({ name: 'chainwatch', version: '0.1.0' });
  });

  it('orders findings by severity (desc), then package, then id', () => {
    const { findings } = toScanJsonDocument(sampleReport());
    // high jupyter-server, high notebook, medium notebook, unknown jupyter-server
    expect(findings.map((finding) => [finding.severity.level, finding.package.name, finding.id])).toEqual([
      ['high', 'jupyter-server', 'GHSA-hrw6-wg82-cm62'],
      ['high', 'notebook', 'GHSA-4952-p58q-6crx'],
      ['medium', 'notebook', 'PYSEC-2022-212'],
      ['unknown', 'jupyter-server', 'PYSEC-2022-211'],
    ]);
  });

  it('writes every finding field, with null (not a missing key) for what is unknown', () => {
    const { findings } = toScanJsonDocument(sampleReport());
    expect(findings[1]).toEqual({
      package: { ecosystem: 'PyPI', name: 'notebook', version: '6.4.0', purl: 'pkg:pypi/notebook@6.4.0' },
      id: 'GHSA-4952-p58q-6crx',
      ids: ['CVE-2021-32797', 'GHSA-4952-p58q-6crx'],
      summary: 'JupyterLab: XSS due to lack of sanitization of the action attribute of an html <form>',
      severity: { level: 'high', score: 7.4, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N', source: 'CVSS_V3', borrowedFrom: null },
      fixed: ['5.7.11', '6.4.1'],
      locations: [
        { path: 'poetry.lock', line: 812, layer: null },
        { path: 'requirements.txt', line: 4, layer: null },
      ],
    });
    const text = renderJson(sampleReport());
    const pysec212 = (parse(text).findings as Record<string, unknown>[])[2]!;
    expect(Object.keys(pysec212)).toEqual(['package', 'id', 'ids', 'summary', 'severity', 'fixed', 'locations']);
    expect(pysec212.summary).toBeNull();
    expect(pysec212.ids).toEqual(['CVE-2022-29238', 'GHSA-v7vq-3x77-87vg', 'PYSEC-2022-212']);
    expect(pysec212.severity).toEqual({ level: 'medium', score: null, vector: null, source: 'database', borrowedFrom: null });
  });

  it("names the alias record a finding's severity was borrowed from", () => {
    const report = sampleReport();
    const borrowed = report.findings.map((finding) =>
      finding.id === 'PYSEC-2022-211' ? { ...finding, severity: { level: 'medium' as const, source: 'database' as const, borrowedFrom: 'GHSA-m87f-39q9-6f55' } } : finding,
    );
    const finding = toScanJsonDocument({ ...report, findings: borrowed }).findings.find((entry) => entry.id === 'PYSEC-2022-211')!;
    expect(finding.severity).toEqual({ level: 'medium', score: null, vector: null, source: 'database', borrowedFrom: 'GHSA-m87f-39q9-6f55' });
  });

  it('lists the coverage per ecosystem, by ecosystem, with the documented keys (issue 10)', () => {
    const report: ScanReport = {
      ...sampleReport(),
      coverage: [
        { ecosystem: 'npm', packages: 2, advisories: 0, newestModified: null, checked: false },
        { ecosystem: 'PyPI', packages: 4, advisories: 2661, newestModified: '2024-10-01T00:00:00Z', checked: true },
      ],
    };
    const text = renderJson(report);
    expect((parse(text).coverage as Record<string, unknown>[]).map((entry) => Object.keys(entry))).toEqual([
      ['ecosystem', 'packages', 'advisories', 'newest_modified', 'checked'],
      ['ecosystem', 'packages', 'advisories', 'newest_modified', 'checked'],
    ]);
    expect(toScanJsonDocument(report).coverage).toEqual([
      { ecosystem: 'PyPI', packages: 4, advisories: 2661, newest_modified: '2024-10-01T00:00:00Z', checked: true },
      { ecosystem: 'npm', packages: 2, advisories: 0, newest_modified: null, checked: false },
    ]);
  });

  it('lists packages, not-scannable lines, errors and sources in order', () => {
    const document = toScanJsonDocument(sampleReport());
    expect(document.packages.map((scanned) => `${scanned.name}@${scanned.version}`)).toEqual([
      'jupyter-server@1.13.1',
      'jupyterlab@4.0.11',
      'notebook@6.4.0',
      'tornado@6.4',
    ]);
    expect(document.packages[2]!.locations).toEqual([
      { path: 'poetry.lock', line: 812, layer: null },
      { path: 'requirements.txt', line: 4, layer: null },
    ]);
    expect(document.notScannable).toEqual([
      { name: 'jupyterlab-git', reason: 'unpinned requirement: >=0.50', location: { path: 'requirements.txt', line: 7, layer: null } },
    ]);
    expect(document.errors).toEqual([
      { path: 'requirements-dev.txt', line: 3, code: 'invalid-requirement', message: "expected a version after '=='" },
    ]);
    expect(document.sources).toEqual([
      { name: 'local', reachable: true, records: 2661, error: null },
      { name: 'osv-api', reachable: false, records: null, error: 'connect ECONNREFUSED 127.0.0.1:8443' },
    ]);
  });

  it('writes null for an error without a line and a location without a line', () => {
    const report: ScanReport = {
      ...cleanReport(),
      errors: [{ path: 'environment.yml', code: 'parse-error', message: 'not a mapping' }],
      notScannable: [{ name: 'git', reason: 'no version', location: { path: 'Dockerfile' } }],
    };
    const document = toScanJsonDocument(report);
    expect(document.errors).toEqual([{ path: 'environment.yml', line: null, code: 'parse-error', message: 'not a mapping' }]);
    expect(document.notScannable[0]!.location).toEqual({ path: 'Dockerfile', line: null, layer: null });
  });

  it('gives the same bytes whatever the input order, ending in one newline', () => {
    const report = sampleReport();
    const shuffled: ScanReport = {
      ...report,
      packages: [...report.packages].reverse(),
      findings: [...report.findings].reverse(),
      sources: [...report.sources].reverse(),
    };
    const text = renderJson(report);
    expect(renderJson(shuffled)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('renders an empty scan with empty lists', () => {
    const document = toScanJsonDocument({ ...cleanReport(), packages: [], sources: [] });
    expect(document.findings).toEqual([]);
    expect(document.packages).toEqual([]);
    expect(document.sources).toEqual([]);
  });
});
