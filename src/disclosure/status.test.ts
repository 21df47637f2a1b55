import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { ChainwatchError } from '../core/errors.js';
import { deskAdvisory, deskPolicy, observed } from './lifecycle.fixture.js';
import { clockPolicyFor, DEFAULT_DESK_POLICY, requiredCollaborators } from './policy.js';
import { advisoryStatus, compareStatuses, sortStatuses } from './status.js';
import { DEFAULT_CLOCK_POLICY, type AdvisoryStatus, type ClockResult, type DeskPolicy } from './types.js';

const POLICY: DeskPolicy = deskPolicy({
  orgs: { jupyterhub: { clocks: { acknowledgeDays: 5, timeZone: 'America/New_York' }, collaborators: { users: ['hub-lead'], teams: ['jupyterhub/security'] } } },
  collaborators: { users: ['council-a'], teams: [] },
});

describe('advisoryStatus', () => {
  it('runs the org\'s own clocks and reports evidence, clocks and problems', () => {
    // Created 02:00 UTC on 1 Mar 2026: still 28 Feb in New York, so 5 days are due on 5 Mar there.
    const advisory = deskAdvisory({ id: 'GHSA-hub1-0000-0000', ghsaId: 'GHSA-hub1-0000-0000', owner: 'jupyterhub', repo: 'jupyterhub', state: 'draft', createdAt: '2026-03-01T02:00:00Z', author: 'reporter-x', submissionAccepted: true });
    const observations = [observed('2026-03-01T06:00:00Z', 'triage', undefined, advisory.id), observed('2026-03-02T06:00:00Z', 'draft', '2026-03-01T20:00:00Z', advisory.id)];
    const status = advisoryStatus(advisory, observations, null, POLICY, fixedClock('2026-03-10T12:00:00Z').now(), null);
    expect(status.leftTriage).toEqual({ at: '2026-03-02T06:00:00Z', evidence: 'observed-transition' });
    expect(status.clocks.acknowledge).toMatchObject({ due: '2026-03-05', status: 'met', evidence: 'observed-transition' });
    expect(status.clocks.disclose).toMatchObject({ due: '2026-05-29', status: 'due', daysLeft: 80, urgency: 'none' });
    expect(status.problems.map((problem) => problem.id)).toEqual(['missing-collaborators', 'no-cve', 'single-person']);
    expect(status.problems[0]!.message).toBe('Configured collaborators are not on it: 2 users council-a, hub-lead; 1 team jupyterhub/security.');
    expect(status.notEvaluated).toEqual([]);
  });

  it('an org\'s time zone that does not exist is invalid-config naming the org', () => {
    const policy = deskPolicy({ orgs: { jupyter: { clocks: { timeZone: 'Europe/Atlantis' } } } });
    let error: unknown;
    try {
      advisoryStatus(deskAdvisory(), [], null, policy, fixedClock('2026-03-10T12:00:00Z').now(), null);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChainwatchError);
    expect((error as ChainwatchError).code).toBe('invalid-config');
    expect((error as ChainwatchError).message).toMatch(/^disclosure clocks for jupyter: unknown time zone "Europe\/Atlantis"/);
  });
});

function clock(status: ClockResult['status'], due: string): ClockResult {
  return { due, status, daysLeft: status === 'met' ? null : 0, urgency: 'none', metAt: null, evidence: 'none' };
}

function row(id: string, acknowledge: ClockResult, disclose: ClockResult, repo = 'notebook'): AdvisoryStatus {
  return { advisory: deskAdvisory({ id, repo }), leftTriage: null, clocks: { acknowledge, disclose }, problems: [] };
}

describe('the report order', () => {
  it('overdue first (most overdue first), then running clocks by due date, then met; ids in code-point order', () => {
    const statuses = [
      row('GHSA-met-b', clock('met', '2026-01-04'), clock('met', '2026-04-01')),
      row('GHSA-soon', clock('met', '2026-03-04'), clock('due', '2026-05-30')),
      row('GHSA-new', clock('due', '2026-03-12'), clock('due', '2026-06-07')),
      row('GHSA-ack-late', clock('overdue', '2026-03-04'), clock('due', '2026-05-30')),
      row('GHSA-Met-a', clock('met', '2026-01-04'), clock('met', '2026-04-01')),
      row('GHSA-long-late', clock('met', '2025-11-01'), clock('overdue', '2026-01-28')),
      row('GHSA-same-day-b', clock('met', '2026-03-20'), clock('due', '2026-06-15')),
      row('GHSA-same-day-a', clock('met', '2026-03-20'), clock('due', '2026-06-15')),
    ];
    expect(sortStatuses(statuses).map((status) => status.advisory.id)).toEqual([
      'GHSA-long-late',
      'GHSA-ack-late',
      'GHSA-new',
      'GHSA-soon',
      'GHSA-same-day-a',
      'GHSA-same-day-b',
      // Upper case sorts before lower case in code-point order, whatever the locale.
      'GHSA-Met-a',
      'GHSA-met-b',
    ]);
    expect(statuses[0]!.advisory.id).toBe('GHSA-met-b');
  });

  it('the same id in two repositories (manual records) orders by repository', () => {
    const a = row('MAIL-1', clock('due', '2026-03-12'), clock('due', '2026-06-07'), 'zeta');
    const b = row('MAIL-1', clock('due', '2026-03-12'), clock('due', '2026-06-07'), 'alpha');
    expect(compareStatuses(a, b)).toBeGreaterThan(0);
    expect(compareStatuses(b, a)).toBeLessThan(0);
    expect(compareStatuses(a, a)).toBe(0);
  });
});

describe('the policy of one advisory', () => {
  it('has the council\'s defaults', () => {
    expect(DEFAULT_DESK_POLICY).toEqual({ clocks: DEFAULT_CLOCK_POLICY, orgs: {}, collaborators: { users: [], teams: [] }, cveAfterDays: 7, minimumPeople: 2, trackingRepo: null, notifiers: [] });
    expect(DEFAULT_CLOCK_POLICY).toEqual({ acknowledgeDays: 3, discloseDays: 90, warnDays: 14, urgentDays: 7, timeZone: 'UTC' });
  });

  it('merges an org\'s clocks field by field over the desk\'s (org names ignore case)', () => {
    expect(clockPolicyFor(POLICY, 'JupyterHub')).toEqual({ acknowledgeDays: 5, discloseDays: 90, warnDays: 14, urgentDays: 7, timeZone: 'America/New_York' });
    expect(clockPolicyFor(POLICY, 'jupyter')).toEqual(DEFAULT_CLOCK_POLICY);
  });

  it('an override that makes urgent come before soon is refused', () => {
    expect(() => clockPolicyFor(deskPolicy({ orgs: { x: { clocks: { urgentDays: 20 } } } }), 'x')).toThrow(/disclosure clocks for x: urgentDays \(20\) is more than warnDays \(14\)/);
  });

  it('requires the desk\'s and the org\'s collaborators, teams only in their own org', () => {
    const policy = deskPolicy({
      collaborators: { users: ['alice', 'Bob'], teams: ['security', 'jupyter/council', 'ipython/core'] },
      orgs: { jupyter: { collaborators: { users: ['bob', 'carol'], teams: ['Jupyter/triage', 'security'] } } },
    });
    expect(requiredCollaborators(policy, 'jupyter')).toEqual({ users: ['alice', 'Bob', 'carol'], teams: ['security', 'council', 'triage'], otherOrgTeams: ['ipython/core'] });
    expect(requiredCollaborators(policy, 'ipython')).toEqual({ users: ['alice', 'Bob'], teams: ['security', 'core'], otherOrgTeams: ['jupyter/council'] });
  });
});
