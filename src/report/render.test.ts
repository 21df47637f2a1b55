import { describe, expect, it } from 'vitest';
import { ChainwatchError } from '../core/errors.js';
import { renderCycloneDx } from './cyclonedx.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderReport } from './render.js';
import { sampleReport } from './sample-report.fixture.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';
import type { ScanReport } from '../scan/types.js';
import { REPORT_FORMATS, type ReportFormat } from './types.js';

const report: ScanReport = {
  tool: { name: 'chainwatch', version: '0.0.0' },
  targets: ['.'],
  files: [{ path: 'requirements.txt', extractor: 'requirements-txt', packages: 1 }],
  packages: [{ ecosystem: 'PyPI', name: 'jupyter-server', version: '2.14.0', purl: 'pkg:pypi/jupyter-server@2.14.0', locations: [{ path: 'requirements.txt', line: 1 }] }],
  findings: [
    {
      package: { ecosystem: 'PyPI', name: 'jupyter-server', version: '2.14.0', purl: 'pkg:pypi/jupyter-server@2.14.0' },
      id: 'GHSA-hrw6-wg82-cm62',
      ids: ['CVE-2024-35178', 'GHSA-hrw6-wg82-cm62'],
      summary: 'Jupyter server on Windows discloses Windows user password hash',
      severity: { level: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', source: 'CVSS_V3' },
      fixed: ['2.14.1'],
      locations: [{ path: 'requirements.txt', line: 1 }],
    },
  ],
  notScannable: [],
  errors: [],
  sources: [{ name: 'advisories', reachable: true, records: 1 }],
  coverage: [{ ecosystem: 'PyPI', packages: 1, advisories: 1, newestModified: '2024-06-06T21:26:53Z', checked: true }],
};

describe('renderReport', () => {
  const sample = sampleReport();
  const timestamp = new Date('2026-11-22T00:00:00Z');

  it.each<[ReportFormat, string]>([
    ['table', renderTable(sample)],
    ['json', renderJson(sample)],
    ['sarif', renderSarif(sample)],
    ['cyclonedx', renderCycloneDx(sample, { timestamp })],
    ['markdown', renderMarkdown(sample)],
  ])('%s renders with that format module', async (format, expected) => {
    expect(await renderReport(sample, format, { timestamp })).toBe(expected);
  });

  it('covers every format in REPORT_FORMATS', async () => {
    for (const format of REPORT_FORMATS) expect((await renderReport(sample, format)).endsWith('\n')).toBe(true);
  });

  it('passes colour and width to the table only', async () => {
    expect(await renderReport(sample, 'table', { color: true, width: 80 })).toBe(renderTable(sample, { color: true, width: 80 }));
    expect(await renderReport(sample, 'json', { color: true, width: 80 })).toBe(renderJson(sample));
  });

  it('does not change the report it is given', async () => {
    const before = structuredClone(sample);
    for (const format of REPORT_FORMATS) await renderReport(sample, format);
    expect(sample).toEqual(before);
  });

  it('rejects an unknown format from an untyped caller with a stable code', async () => {
    const rendering = renderReport(sample, 'html' as ReportFormat);
    await expect(rendering).rejects.toThrow(ChainwatchError);
    await expect(rendering).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('reports of hostile size (issue 7: no list is spread into a call)', () => {
  // Above the ~125,000 arguments a call takes on a default stack.
  const COUNT = 140_000;
  const many = <T>(make: (index: number) => T): T[] => Array.from({ length: COUNT }, (_, index) => make(index));
  const finding = report.findings[0]!;

  it.each(['markdown', 'sarif'] as const)('%s lists the 140,000 references of one advisory', async (format) => {
    const hostile: ScanReport = { ...report, findings: [{ ...finding, references: many((index) => `https://example.test/advisory/${index}`) }] };
    const text = await renderReport(hostile, format);
    expect(text.includes('https://example.test/advisory/139999')).toBe(true);
  });

  it('cyclonedx merges 140,000 locations of a package listed twice', async () => {
    // Sorted after the first copy (requirements.txt), so its locations are the ones merged in.
    const locations = many((index) => ({ path: 'yarn.lock', line: index + 1 }));
    const hostile: ScanReport = { ...report, packages: [report.packages[0]!, { ...report.packages[0]!, locations }] };
    const document = JSON.parse(await renderReport(hostile, 'cyclonedx', { timestamp: new Date('2026-11-22T00:00:00Z') })) as { components: unknown[] };
    expect(document.components).toHaveLength(1);
  });

  it('table renders 140,000 findings', async () => {
    const hostile: ScanReport = {
      ...report,
      findings: many((index) => ({ ...finding, package: { ...finding.package, name: `p${index}`, purl: `pkg:pypi/p${index}@2.14.0` } })),
    };
    const lines = (await renderReport(hostile, 'table', { width: 200 })).split('\n');
    expect(lines.filter((line) => line.includes('GHSA-hrw6-wg82-cm62'))).toHaveLength(COUNT);
  });
});
