import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';
import { cleanReport, GHSA_4952, sampleReport } from './sample-report.fixture.js';
import type { ScanReport } from '../scan/types.js';

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + heading.length);
  return markdown.slice(start, next === -1 ? undefined : next);
}

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(sampleReport());

  it('opens with a title, the summary and what was scanned', () => {
    expect(markdown.split('\n').slice(0, 6)).toEqual([
      '# chainwatch scan report',
      '',
      '**4 findings in 2 packages from 3 files (4 packages scanned); 1 error; 1 not scannable; 1 advisory source unreachable: osv-api**',
      '',
      'Scan of `.` by chainwatch 0.1.0.',
      '',
    ]);
  });

  it('has the advisory coverage per ecosystem, saying which were not checked (issue 10)', () => {
    const report: ScanReport = {
      ...cleanReport(),
      coverage: [
        { ecosystem: 'PyPI', packages: 2, advisories: 2661, newestModified: '2024-10-01T00:00:00Z', checked: true },
        { ecosystem: 'conda', packages: 1, advisories: 0, newestModified: null, checked: false },
      ],
    };
    expect(section(renderMarkdown(report), '## Advisory coverage').split('<details>')[0]).toBe(
      [
        '## Advisory coverage',
        '',
        '| Ecosystem | Packages | Advisories | Newest modified | Checked |',
        '| --- | --- | --- | --- | --- |',
        '| PyPI | 2 | 2661 | `2024-10-01T00:00:00Z` | yes |',
        '| conda | 1 | 0 | - | **not checked**: the advisory sources hold no conda advisories |',
        '',
        '',
      ].join('\n'),
    );
  });

  it('has a findings table in severity order with every id, fix and location', () => {
    expect(section(markdown, '## Findings')).toBe(
      [
        '## Findings',
        '',
        '| Severity | Package | Version | Advisory | Also known as | Fixed in | Locations |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        '| high 7.5 | jupyter-server (PyPI) | `1.13.1` | `GHSA-hrw6-wg82-cm62` | `CVE-2024-35178` | `2.14.1` | `poetry.lock:790` |',
        '| high 7.4 | notebook (PyPI) | `6.4.0` | `GHSA-4952-p58q-6crx` | `CVE-2021-32797` | `5.7.11`, `6.4.1` | `poetry.lock:812`, `requirements.txt:4` |',
        '| medium | notebook (PyPI) | `6.4.0` | `PYSEC-2022-212` | `CVE-2022-29238`, `GHSA-v7vq-3x77-87vg` | `6.4.12` | `poetry.lock:812`, `requirements.txt:4` |',
        '| unknown | jupyter-server (PyPI) | `1.13.1` | `PYSEC-2022-211` | `CVE-2022-29241`, `GHSA-q874-g24w-4q9g` | `1.17.0` | `poetry.lock:790` |',
        '',
      ].join('\n'),
    );
  });

  it('details each advisory once, with escaped summary, all ids and fixed versions', () => {
    const advisories = section(markdown, '## Advisories');
    expect(advisories.match(/^### /gm)).toHaveLength(4);
    expect(advisories).toContain(
      [
        '### GHSA-4952-p58q-6crx: JupyterLab: XSS due to lack of sanitization of the action attribute of an html \\<form\\>',
        '',
        '- **Severity:** high (CVSS_V3 7.4) `CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N`',
        '- **Ids:** `CVE-2021-32797`, `GHSA-4952-p58q-6crx`',
        '- **Affected packages:**',
        '  - notebook `6.4.0` (PyPI): fixed in `5.7.11`, `6.4.1`; found in `poetry.lock:812`, `requirements.txt:4`',
        '- **References:**',
        '  - <https://github.com/jupyterlab/jupyterlab/security/advisories/GHSA-4952-p58q-6crx>',
      ].join('\n'),
    );
    expect(advisories).toContain(
      [
        '### PYSEC-2022-211',
        '',
        '- **Severity:** unknown',
        '- **Ids:** `CVE-2022-29241`, `GHSA-q874-g24w-4q9g`, `PYSEC-2022-211`',
        '- **Affected packages:**',
        '  - jupyter-server `1.13.1` (PyPI): fixed in `1.17.0`; found in `poetry.lock:790`',
      ].join('\n'),
    );
    expect(advisories).toContain('- **Severity:** medium (database)\n');
  });

  it('lists errors, not-scannable lines and unreachable sources', () => {
    expect(section(markdown, '## Errors')).toBe(
      [
        '## Errors',
        '',
        '| Location | Code | Message |',
        '| --- | --- | --- |',
        "| `requirements-dev.txt:3` | `invalid-requirement` | expected a version after '==' |",
        '',
      ].join('\n'),
    );
    expect(section(markdown, '## Not scannable')).toContain('| `requirements.txt:7` | jupyterlab-git | unpinned requirement: \\>=0.50 |');
    expect(section(markdown, '## Unreachable advisory sources')).toContain('- **osv-api**: connect ECONNREFUSED 127.0.0.1:8443');
  });

  it('lists the scanned files in a collapsed block', () => {
    expect(markdown).toContain('<summary>Scanned files (3)</summary>');
    expect(markdown).toContain('| `requirements-dev.txt` | `requirements-txt` | 0 |');
    expect(markdown.endsWith('</details>\n')).toBe(true);
  });

  it('says so when nothing is found, without empty sections', () => {
    const clean = renderMarkdown(cleanReport());
    expect(clean).toContain('**No known vulnerabilities found in 2 packages from 1 file**');
    for (const heading of ['## Findings', '## Advisories', '## Errors', '## Not scannable', '## Unreachable']) {
      expect(clean).not.toContain(heading);
    }
  });

  it('keeps a pipe or underscore in data from breaking the table', () => {
    const report: ScanReport = {
      ...cleanReport(),
      findings: [{ ...GHSA_4952, package: { ...GHSA_4952.package, name: 'jupyter_server|x' }, locations: [{ path: 'a|b/poetry.lock', line: 3 }] }],
    };
    const row = renderMarkdown(report).split('\n').find((line) => line.startsWith('| high'))!;
    expect(row).toBe(
      '| high 7.4 | jupyter\\_server\\|x (PyPI) | `6.4.0` | `GHSA-4952-p58q-6crx` | `CVE-2021-32797` | `5.7.11`, `6.4.1` | `a\\|b/poetry.lock:3` |',
    );
  });

  it('is deterministic', () => {
    const report = sampleReport();
    expect(renderMarkdown({ ...report, findings: [...report.findings].reverse(), files: [...report.files].reverse() })).toBe(markdown);
  });
});
