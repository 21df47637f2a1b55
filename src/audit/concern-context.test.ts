import { describe, expect, it } from 'vitest';
import type { Finding } from '../advisories/types.js';
import type { PostureReport } from '../posture/types.js';
import { concernContext } from './concern-context.js';

function finding(purl: string, id: string, severity: Finding['severity']): Finding {
  return { package: { ecosystem: 'PyPI', name: 'x', version: '1', purl }, id, ids: [id], severity, fixed: [], locations: [] };
}

describe('concernContext', () => {
  it('gives nothing for steps that did not run', () => {
    expect(concernContext(null, null)).toEqual({});
  });

  it('groups the findings by purl with their severity and its borrowed source, and names the ecosystems not checked', () => {
    const context = concernContext(
      {
        findings: [
          finding('pkg:pypi/x@1', 'GHSA-1', { level: 'critical', source: 'database', borrowedFrom: 'GHSA-1' }),
          finding('pkg:pypi/x@1', 'PYSEC-2', { level: 'low', source: 'CVSS_V3' }),
        ],
        coverage: [
          { ecosystem: 'PyPI', packages: 1, advisories: 2, newestModified: null, checked: true },
          { ecosystem: 'conda', packages: 3, advisories: 0, newestModified: null, checked: false },
        ],
      },
      null,
    );
    expect([...context.findings!.byPurl]).toEqual([
      [
        'pkg:pypi/x@1',
        [
          { id: 'GHSA-1', severity: 'critical', borrowedFrom: 'GHSA-1' },
          { id: 'PYSEC-2', severity: 'low' },
        ],
      ],
    ]);
    expect([...context.findings!.notChecked]).toEqual([['conda', 'not checked: the advisory database holds no conda advisory']]);
    expect(context.repositoryPosture).toBeUndefined();
  });

  it("keys the posture by owner/repo in lower case, each check's outcome kept", () => {
    const posture: PostureReport = { repos: [{ repo: 'Jupyter/Widget', checks: [{ id: 'pinned-actions', outcome: 'fail', summary: '', findings: [] }] }], orgs: [], expiredWaivers: [], sources: [] };
    expect([...concernContext(null, posture).repositoryPosture!]).toEqual([['jupyter/widget', { checks: [{ id: 'pinned-actions', outcome: 'fail' }] }]]);
  });
});
