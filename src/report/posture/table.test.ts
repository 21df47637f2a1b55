import { describe, expect, it } from 'vitest';
import { samplePostureReport, samplePostureReportWithWaivedFindings } from './sample-posture.fixture.js';
import { renderPostureTable } from './table.js';

describe('renderPostureTable', () => {
  it('is a matrix of repositories × checks, then organisations, legend, waivers, expired waivers and unreachable sources', () => {
    // Written from the fixture: by name, jupyter/notebook comes before jupyterlab/jupyterlab;
    // columns in CHECK_IDS order (dependency-update-tool, security-policy, pinned-actions).
    const expected = [
      'Repository             dep-updates  sec-policy  pinned',
      'jupyter/notebook       PARTIAL      pass        FAIL',
      'jupyterlab/jupyterlab  pass         FAIL(w)     n/a',
      '',
      'Organisation  2fa',
      'jupyter       pass',
      '',
      'Legend: pass, PARTIAL, FAIL, ERROR; n/a = could not tell from this source; - = not applicable; (w) = waived',
      '  dep-updates  dependency-update-tool',
      '  sec-policy   security-policy',
      '  pinned       pinned-actions',
      '  2fa          org-two-factor',
      '',
      'Waived:',
      '  jupyterlab/jupyterlab security-policy (fail): policy in the org .github (approved by council, expires 2026-12-31)',
      '',
      'Expired waivers (not applied):',
      '  jupyter/nbformat maintained: expired 2025-01-01: finished',
      '',
      'Unreachable sources (checks that need them are n/a):',
      '  github: no GH_TOKEN or GITHUB_TOKEN',
      '',
    ].join('\n');
    expect(renderPostureTable(samplePostureReport())).toBe(expected);
  });

  it('lists the findings a waiver naming an action covered, and says the check still fails on the others', () => {
    const text = renderPostureTable(samplePostureReportWithWaivedFindings());
    // Not waived as a whole: the cell stays FAIL without (w).
    expect(text).toContain('jupyter/notebook       PARTIAL      pass        FAIL\n');
    expect(text).toContain(
      [
        'Waived:',
        '  jupyter/notebook pinned-actions (fail, 1 finding(s) not waived): 1 finding(s) for action jupyterlab/maintainer-tools/*: our own actions (approved by council, expires 2026-12-31)',
        '  jupyterlab/jupyterlab security-policy (fail): policy in the org .github (approved by council, expires 2026-12-31)',
        '',
        'Expired waivers (not applied):',
        '  jupyter/* pinned-actions (action actions/*): expired 2026-01-31: until the pins land',
        '  jupyter/nbformat maintained: expired 2025-01-01: finished',
      ].join('\n'),
    );
  });

  it('puts the most important repository first', () => {
    const table = renderPostureTable(samplePostureReport(), { importance: [{ repo: 'jupyterlab/jupyterlab', score: 1, reason: 'listed' }] });
    const rows = table.split('\n').slice(1, 3).map((line) => line.split(' ')[0]);
    expect(rows).toEqual(['jupyterlab/jupyterlab', 'jupyter/notebook']);
  });

  it.each([
    ['error', 'ERROR'],
    ['not-applicable', '-'],
    ['partial', 'PARTIAL'],
  ] as const)('shows %s as %s and lists errors with their location', (outcome, label) => {
    const table = renderPostureTable({
      repos: [{ repo: 'o/r', checks: [{ id: 'maintained', outcome, summary: 'why', findings: [{ file: 'a.yml', line: 3, message: 'm' }] }] }],
      orgs: [],
      expiredWaivers: [],
      sources: [],
    });
    expect(table.split('\n')[1]).toBe(`o/r         ${label}`.trimEnd());
    expect(table.includes('Errors:\n  o/r maintained: a.yml:3: why')).toBe(outcome === 'error');
  });

  it('says so when nothing was collected', () => {
    expect(renderPostureTable({ repos: [], orgs: [], expiredWaivers: [], sources: [{ name: 'github', reachable: false, error: 'offline' }] })).toBe(
      'No repositories collected.\n\nUnreachable sources (checks that need them are n/a):\n  github: offline\n',
    );
  });
});
