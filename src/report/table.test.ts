import { describe, expect, it } from 'vitest';
import { cleanReport, GHSA_4952, sampleReport } from './sample-report.fixture.js';
import { renderTable } from './table.js';
import type { ScanReport } from '../scan/types.js';

const ESCAPE = '\u001b';

function stripAnsi(text: string): string {
  // Matching the escape character is the point here.
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

describe('renderTable', () => {
  it('aligns the findings, then the summary line, then what went wrong', () => {
    expect(renderTable(sampleReport())).toBe(
      [
        'Severity  Package         Version  Advisory                  Fixed in       Location',
        '--------  --------------  -------  ------------------------  -------------  -----------------------',
        'high 7.5  jupyter-server  1.13.1   GHSA-hrw6-wg82-cm62 (+1)  2.14.1         poetry.lock:790',
        'high 7.4  notebook        6.4.0    GHSA-4952-p58q-6crx (+1)  5.7.11, 6.4.1  poetry.lock:812 +1 more',
        'medium    notebook        6.4.0    PYSEC-2022-212 (+2)       6.4.12         poetry.lock:812 +1 more',
        'unknown   jupyter-server  1.13.1   PYSEC-2022-211 (+2)       1.17.0         poetry.lock:790',
        '',
        '4 findings in 2 packages from 3 files (4 packages scanned); 1 error; 1 not scannable; 1 advisory source unreachable: osv-api',
        '',
        'Advisory coverage:',
        '  PyPI  4 packages  2661 advisories, newest modified 2024-10-01T00:00:00Z',
        '',
        'Errors:',
        "  requirements-dev.txt:3: expected a version after '==' [invalid-requirement]",
        '',
        'Not scannable:',
        '  requirements.txt:7: jupyterlab-git: unpinned requirement: >=0.50',
        '',
        'Unreachable advisory sources (their findings are missing):',
        '  osv-api: connect ECONNREFUSED 127.0.0.1:8443',
        '',
      ].join('\n'),
    );
  });

  it('says so clearly when nothing is found', () => {
    expect(renderTable(cleanReport())).toBe(
      ['No known vulnerabilities found in 2 packages from 1 file', '', 'Advisory coverage:', '  PyPI  2 packages  2661 advisories, newest modified 2024-10-01T00:00:00Z', ''].join('\n'),
    );
  });

  it('never calls an ecosystem without advisories clean: it lists it as not checked (issue 10)', () => {
    const report: ScanReport = {
      ...cleanReport(),
      packages: [...cleanReport().packages, { ecosystem: 'npm', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0', locations: [{ path: 'package-lock.json', line: 8 }] }],
      coverage: [
        { ecosystem: 'npm', packages: 1, advisories: 0, newestModified: null, checked: false },
        { ecosystem: 'PyPI', packages: 2, advisories: 2661, newestModified: '2024-10-01T00:00:00Z', checked: true },
      ],
    };
    expect(renderTable(report)).toBe(
      [
        'No known vulnerabilities found in 2 checked packages from 1 file; not checked, no advisories for them: npm (1 package)',
        '',
        'Advisory coverage:',
        '  PyPI  2 packages  2661 advisories, newest modified 2024-10-01T00:00:00Z',
        '  npm   1 package   not checked: the advisory sources hold no npm advisories',
        '',
      ].join('\n'),
    );
  });

  it('does not hide an unreachable source behind "no known vulnerabilities"', () => {
    const report: ScanReport = {
      ...cleanReport(),
      sources: [{ name: 'osv-api', reachable: false }],
      coverage: [{ ecosystem: 'PyPI', packages: 2, advisories: 0, newestModified: null, checked: false }],
    };
    expect(renderTable(report)).toBe(
      [
        'Not checked: no advisory source could be used for 2 packages from 1 file; 1 advisory source unreachable: osv-api',
        '',
        'Advisory coverage:',
        '  PyPI  2 packages  not checked: the advisory sources hold no PyPI advisories',
        '',
        'Unreachable advisory sources (their findings are missing):',
        '  osv-api',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [
      80,
      [
        'Severity  Package       Version  Advisory              Fixed in  Location',
        '--------  ------------  -------  --------------------  --------  ---------------',
        'high 7.5  jupyter-ser…  1.13.1   GHSA-hrw6-wg82-cm62   2.14.1    poetry.lock:790',
        'high 7.4  notebook      6.4.0    GHSA-4952-p58q-6crx   5.7.11,…  poetry.lock:812',
        'medium    notebook      6.4.0    PYSEC-2022-212 (+2)   6.4.12    poetry.lock:812',
        'unknown   jupyter-ser…  1.13.1   PYSEC-2022-211 (+2)   1.17.0    poetry.lock:790',
      ],
    ],
    [
      // Location alone gives way: 23 -> 15 columns, its short form drops "+1 more".
      91,
      [
        'Severity  Package         Version  Advisory                  Fixed in       Location',
        '--------  --------------  -------  ------------------------  -------------  ---------------',
        'high 7.5  jupyter-server  1.13.1   GHSA-hrw6-wg82-cm62 (+1)  2.14.1         poetry.lock:790',
        'high 7.4  notebook        6.4.0    GHSA-4952-p58q-6crx (+1)  5.7.11, 6.4.1  poetry.lock:812',
        'medium    notebook        6.4.0    PYSEC-2022-212 (+2)       6.4.12         poetry.lock:812',
        'unknown   jupyter-server  1.13.1   PYSEC-2022-211 (+2)       1.17.0         poetry.lock:790',
      ],
    ],
  ])('fits a %i-column terminal, cutting detail before the advisory id', (width, expected) => {
    const lines = renderTable(sampleReport(), { width }).split('\n');
    expect(lines.slice(0, 6)).toEqual(expected);
    for (const line of lines.slice(0, 6)) expect(line.length).toBeLessThanOrEqual(width);
  });

  it('never goes below the column minimums on a tiny terminal', () => {
    const lines = renderTable(sampleReport(), { width: 20 }).split('\n');
    expect(lines[2]).toBe('high 7.5  jupyter-ser…  1.13.1   GHSA-hrw6-wg82-cm62  2.14.1    poetry.lock:790');
  });

  it('has no colour by default', () => {
    expect(renderTable(sampleReport())).not.toContain(ESCAPE);
  });

  it('colours the severity cell by level when asked, without moving columns', () => {
    const coloured = renderTable(sampleReport(), { color: true });
    const lines = coloured.split('\n');
    expect(lines[0]).not.toContain(ESCAPE);
    expect(lines[2]!.startsWith('\u001b[31mhigh 7.5\u001b[0m  jupyter-server')).toBe(true);
    expect(lines[4]!.startsWith('\u001b[33mmedium  \u001b[0m  notebook')).toBe(true);
    expect(lines[5]!.startsWith('\u001b[2munknown \u001b[0m  jupyter-server')).toBe(true);
    expect(stripAnsi(coloured)).toBe(renderTable(sampleReport()));
  });

  it('uses bold red for critical', () => {
    const report: ScanReport = {
      ...cleanReport(),
      findings: [{ ...GHSA_4952, severity: { level: 'critical', score: 9.8, source: 'CVSS_V3' } }],
    };
    expect(renderTable(report, { color: true }).split('\n')[2]!.startsWith('\u001b[1;31mcritical 9.8\u001b[0m')).toBe(true);
  });

  it('names the ecosystem when findings span more than one, and marks missing fix and location', () => {
    const report: ScanReport = {
      ...cleanReport(),
      findings: [
        GHSA_4952,
        {
          package: { ecosystem: 'npm', name: '@jupyterlab/markdownviewer', version: '4.0.10', purl: 'pkg:npm/%40jupyterlab/markdownviewer@4.0.10' },
          id: 'GHSA-4m77-cmpx-vjc4',
          ids: ['GHSA-4m77-cmpx-vjc4'],
          severity: { level: 'medium', score: 6.5, source: 'CVSS_V3' },
          fixed: [],
          locations: [],
        },
      ],
    };
    // 'medium 6.5' widens the severity column to 10.
    expect(renderTable(report).split('\n').slice(0, 4)).toEqual([
      'Severity    Package                           Version  Advisory                  Fixed in       Location',
      '----------  --------------------------------  -------  ------------------------  -------------  -----------------------',
      'high 7.4    notebook (PyPI)                   6.4.0    GHSA-4952-p58q-6crx (+1)  5.7.11, 6.4.1  poetry.lock:812 +1 more',
      'medium 6.5  @jupyterlab/markdownviewer (npm)  4.0.10   GHSA-4m77-cmpx-vjc4       -              -',
    ]);
  });
});
