import type { Finding } from '../advisories/types.js';
import type { ScanReport } from '../scan/types.js';

/*
 * Test data for the report tests (not used by product code).
 * Advisory ids, aliases, summaries, CVSS vectors and fixed versions are those
 * of the public records in ../shared/data/osv (GitHub advisory database and
 * PyPA advisory database, CC-BY-4.0); scores were computed from the vectors
 * with src/advisories/severity.ts. Lists are deliberately out of order so the
 * tests can see the renderers sort them.
 */

export const PYSEC_2022_211: Finding = {
  package: { ecosystem: 'PyPI', name: 'jupyter-server', version: '1.13.1', purl: 'pkg:pypi/jupyter-server@1.13.1' },
  id: 'PYSEC-2022-211',
  ids: ['PYSEC-2022-211', 'CVE-2022-29241', 'GHSA-q874-g24w-4q9g'],
  severity: { level: 'unknown', source: 'none' },
  fixed: ['1.17.0'],
  locations: [{ path: 'poetry.lock', line: 790 }],
};

export const GHSA_4952: Finding = {
  package: { ecosystem: 'PyPI', name: 'notebook', version: '6.4.0', purl: 'pkg:pypi/notebook@6.4.0' },
  id: 'GHSA-4952-p58q-6crx',
  ids: ['CVE-2021-32797', 'GHSA-4952-p58q-6crx'],
  summary: 'JupyterLab: XSS due to lack of sanitization of the action attribute of an html <form>',
  severity: { level: 'high', score: 7.4, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N', source: 'CVSS_V3' },
  fixed: ['5.7.11', '6.4.1'],
  // The same package pinned in two lockfiles: one finding, two locations.
  locations: [
    { path: 'requirements.txt', line: 4 },
    { path: 'poetry.lock', line: 812 },
  ],
  references: ['https://github.com/jupyterlab/jupyterlab/security/advisories/GHSA-4952-p58q-6crx'],
};

export const PYSEC_2022_212: Finding = {
  package: { ecosystem: 'PyPI', name: 'notebook', version: '6.4.0', purl: 'pkg:pypi/notebook@6.4.0' },
  id: 'PYSEC-2022-212',
  ids: ['PYSEC-2022-212', 'CVE-2022-29238', 'GHSA-v7vq-3x77-87vg'],
  severity: { level: 'medium', source: 'database' },
  fixed: ['6.4.12'],
  locations: [
    { path: 'requirements.txt', line: 4 },
    { path: 'poetry.lock', line: 812 },
  ],
  references: ['https://github.com/jupyter/notebook/security/advisories/GHSA-v7vq-3x77-87vg'],
};

export const GHSA_HRW6: Finding = {
  package: { ecosystem: 'PyPI', name: 'jupyter-server', version: '1.13.1', purl: 'pkg:pypi/jupyter-server@1.13.1' },
  id: 'GHSA-hrw6-wg82-cm62',
  ids: ['CVE-2024-35178', 'GHSA-hrw6-wg82-cm62'],
  summary: 'Jupyter server on Windows discloses Windows user password hash',
  severity: { level: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', source: 'CVSS_V3' },
  fixed: ['2.14.1'],
  locations: [{ path: 'poetry.lock', line: 790 }],
  references: ['https://github.com/jupyter-server/jupyter_server/security/advisories/GHSA-hrw6-wg82-cm62'],
};

/** Findings in two packages across two lockfiles, a bad line, an unpinned line and an unreachable source. */
export function sampleReport(): ScanReport {
  return {
    tool: { name: 'chainwatch', version: '0.1.0' },
    targets: ['.'],
    files: [
      { path: 'requirements.txt', extractor: 'requirements-txt', packages: 1 },
      { path: 'poetry.lock', extractor: 'poetry-lock', packages: 4 },
      { path: 'requirements-dev.txt', extractor: 'requirements-txt', packages: 0 },
    ],
    packages: [
      { ecosystem: 'PyPI', name: 'tornado', version: '6.4', purl: 'pkg:pypi/tornado@6.4', locations: [{ path: 'poetry.lock', line: 1650 }] },
      {
        ecosystem: 'PyPI',
        name: 'notebook',
        version: '6.4.0',
        purl: 'pkg:pypi/notebook@6.4.0',
        locations: [
          { path: 'requirements.txt', line: 4 },
          { path: 'poetry.lock', line: 812 },
        ],
      },
      {
        ecosystem: 'PyPI',
        name: 'jupyter-server',
        version: '1.13.1',
        purl: 'pkg:pypi/jupyter-server@1.13.1',
        locations: [{ path: 'poetry.lock', line: 790 }],
      },
      {
        ecosystem: 'PyPI',
        name: 'jupyterlab',
        version: '4.0.11',
        purl: 'pkg:pypi/jupyterlab@4.0.11',
        locations: [{ path: 'poetry.lock', line: 870 }],
      },
    ],
    findings: [PYSEC_2022_211, GHSA_4952, PYSEC_2022_212, GHSA_HRW6],
    notScannable: [
      { name: 'jupyterlab-git', reason: 'unpinned requirement: >=0.50', location: { path: 'requirements.txt', line: 7 } },
    ],
    errors: [
      { path: 'requirements-dev.txt', line: 3, code: 'invalid-requirement', message: "expected a version after '=='" },
    ],
    sources: [
      { name: 'osv-api', reachable: false, error: 'connect ECONNREFUSED 127.0.0.1:8443' },
      { name: 'local', reachable: true, records: 2661 },
    ],
    coverage: [{ ecosystem: 'PyPI', packages: 4, advisories: 2661, newestModified: '2024-10-01T00:00:00Z', checked: true }],
  };
}

/** A clean scan: packages, no findings, every source reachable. */
export function cleanReport(): ScanReport {
  const report = sampleReport();
  return {
    ...report,
    files: [{ path: 'poetry.lock', extractor: 'poetry-lock', packages: 2 }],
    packages: report.packages.filter((scanned) => scanned.name === 'tornado' || scanned.name === 'jupyterlab'),
    findings: [],
    notScannable: [],
    errors: [],
    sources: [{ name: 'local', reachable: true, records: 2661 }],
    coverage: [{ ecosystem: 'PyPI', packages: 2, advisories: 2661, newestModified: '2024-10-01T00:00:00Z', checked: true }],
  };
}
