import { describe, expect, it } from 'vitest';
import { renderReport } from './index.js';
import { renderReportLazily } from './render.js';
import { REPORT_FORMATS, type ScanReport } from './types.js';

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
};

describe('renderReportLazily', () => {
  it.each(REPORT_FORMATS)('renders %s exactly as the eager renderer does', async (format) => {
    const timestamp = new Date('2026-11-22T00:00:00Z');
    expect(await renderReportLazily(report, format, { timestamp })).toBe(renderReport(report, format, { timestamp }));
  });
});
