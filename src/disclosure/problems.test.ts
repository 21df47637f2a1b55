import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { advisoryClocks } from './clocks.js';
import type { TriageExit } from './lifecycle.js';
import { deskAdvisory, deskPolicy } from './lifecycle.fixture.js';
import { clockPolicyFor } from './policy.js';
import { evaluateProblems, peopleOn, PROBLEMS, type ProblemContext, type PypaAdvisoryIndex } from './problems.js';
import { PROBLEM_IDS, type AdvisoryCredit, type DeskAdvisory, type DeskPolicy, type ProblemId } from './types.js';

interface Setup {
  policy?: Partial<DeskPolicy>;
  now?: string;
  answered?: TriageExit | null;
  pypaIndex?: PypaAdvisoryIndex | null;
}

function contextFor(overrides: Partial<DeskAdvisory>, setup: Setup = {}): ProblemContext {
  const advisory = deskAdvisory(overrides);
  const policy = deskPolicy(setup.policy);
  const clockPolicy = clockPolicyFor(policy, advisory.owner);
  const now = fixedClock(setup.now ?? '2026-03-02T12:00:00Z').now();
  const clocks = advisoryClocks(advisory, setup.answered ?? null, clockPolicy, now);
  return { advisory, policy, clockPolicy, clocks, now, pypaIndex: setup.pypaIndex ?? null };
}

function indexOf(...known: string[]): PypaAdvisoryIndex {
  return { contains: (ids) => ids.some((id) => known.includes(id)) };
}

const credit = (login: string, type: AdvisoryCredit['type'], state: AdvisoryCredit['state']): AdvisoryCredit => ({ login, type, state });
const PUBLISHED: Partial<DeskAdvisory> = { state: 'published', publishedAt: '2026-03-02T00:00:00Z', cveId: 'CVE-2026-1234' };

type Expected = 'clear' | RegExp | { notEvaluated: RegExp };

// [name, problem, advisory, setup, expected: clear, a message, or not evaluated with its reason]
const rows: [string, ProblemId, Partial<DeskAdvisory>, Setup, Expected][] = [
  ['nobody configured', 'missing-collaborators', {}, {}, 'clear'],
  ['a configured user is missing (logins ignore case)', 'missing-collaborators', { collaboratingUsers: ['Alice'] }, { policy: { collaborators: { users: ['alice', 'bob'], teams: [] } } }, /^Configured collaborators are not on it: 1 user bob\.$/],
  [
    'teams count in their own org only: org/slug for this org and bare slugs',
    'missing-collaborators',
    {},
    { policy: { collaborators: { users: [], teams: ['jupyter/security-council', 'security', 'jupyterhub/council'] } } },
    /^Configured collaborators are not on it: 2 teams jupyter\/security-council, jupyter\/security\.$/,
  ],
  ['every configured user and team is on it', 'missing-collaborators', { collaboratingUsers: ['alice'], collaboratingTeams: ['Security'] }, { policy: { collaborators: { users: ['alice'], teams: ['security'] } } }, 'clear'],
  ['another org\'s collaborators do not apply', 'missing-collaborators', {}, { policy: { orgs: { jupyterhub: { collaborators: { users: ['carol'], teams: [] } } } } }, 'clear'],
  ['the org\'s own collaborators apply (org names ignore case)', 'missing-collaborators', { owner: 'JupyterHub' }, { policy: { orgs: { jupyterhub: { collaborators: { users: ['carol'], teams: [] } } } } }, /1 user carol/],
  ['a published advisory is past needing collaborators', 'missing-collaborators', PUBLISHED, { policy: { collaborators: { users: ['alice'], teams: [] } } }, 'clear'],

  ['a draft in a public repo, 7 days without a CVE', 'no-cve', {}, { now: '2026-03-08T00:00:00Z' }, /^A draft for 7 days in public jupyter\/notebook without a CVE\.$/],
  ['6 days: not yet', 'no-cve', {}, { now: '2026-03-07T23:59:59Z' }, 'clear'],
  ['days counted in the zone: the same instants are 6 days in Kiritimati', 'no-cve', {}, { now: '2026-03-08T09:59:00Z', policy: { clocks: { ...deskPolicy().clocks, timeZone: 'Pacific/Kiritimati' } } }, 'clear'],
  ['cve_after_days from the policy', 'no-cve', {}, { now: '2026-03-04T00:00:00Z', policy: { cveAfterDays: 3 } }, /3 days/],
  ['visibility unknown: not evaluated, not raised', 'no-cve', { repositoryPublic: null }, { now: '2026-03-10T00:00:00Z' }, { notEvaluated: /draft for 9 days without a CVE, but whether jupyter\/notebook is public is unknown/ }],
  ['a private repository', 'no-cve', { repositoryPublic: false }, { now: '2026-03-10T00:00:00Z' }, 'clear'],
  ['it has a CVE', 'no-cve', { cveId: 'CVE-2026-0001' }, { now: '2026-03-10T00:00:00Z' }, 'clear'],
  ['a report still in triage', 'no-cve', { state: 'triage' }, { now: '2026-03-10T00:00:00Z' }, 'clear'],

  ['published with patched versions', 'no-patched-versions', PUBLISHED, {}, 'clear'],
  [
    'published without them',
    'no-patched-versions',
    { ...PUBLISHED, vulnerabilities: [{ ecosystem: 'pip', name: 'notebook', vulnerableVersionRange: '< 7.2.1', patchedVersions: null, vulnerableFunctions: [] }] },
    {},
    /^Published with no patched version for pip notebook\.$/,
  ],
  ['published with a blank one', 'no-patched-versions', { ...PUBLISHED, vulnerabilities: [{ ecosystem: 'npm', name: '@jupyterlab/services', vulnerableVersionRange: '< 4', patchedVersions: '  ', vulnerableFunctions: [] }] }, {}, /npm @jupyterlab\/services/],
  ['a draft far from its disclosure date', 'no-patched-versions', { vulnerabilities: [{ ecosystem: 'pip', name: 'notebook', vulnerableVersionRange: null, patchedVersions: null, vulnerableFunctions: [] }] }, { now: '2026-05-15T12:00:00Z' }, 'clear'],
  [
    'a draft within warn_days of disclosure (due 2026-05-30)',
    'no-patched-versions',
    { vulnerabilities: [{ ecosystem: 'pip', name: 'notebook', vulnerableVersionRange: null, patchedVersions: null, vulnerableFunctions: [] }] },
    { now: '2026-05-16T12:00:00Z' },
    /^To be disclosed by 2026-05-30 \(14 days left\) with no patched version for pip notebook\.$/,
  ],
  ['a draft past disclosure', 'no-patched-versions', { vulnerabilities: [{ ecosystem: 'pip', name: 'notebook', vulnerableVersionRange: null, patchedVersions: null, vulnerableFunctions: [] }] }, { now: '2026-06-02T00:00:00Z' }, /\(3 days ago\)/],
  ['closed without them', 'no-patched-versions', { state: 'closed', vulnerabilities: [{ ecosystem: 'pip', name: 'notebook', vulnerableVersionRange: null, patchedVersions: null, vulnerableFunctions: [] }] }, { now: '2026-06-02T00:00:00Z' }, 'clear'],

  ['a pending credit', 'credit-pending', { credits: [credit('finder-x', 'finder', 'pending'), credit('helper-y', 'reporter', 'accepted')] }, {}, /^A credit is not accepted yet: finder-x \(finder\)\.$/],
  ['two pending credits', 'credit-pending', { ...PUBLISHED, credits: [credit('a', 'finder', 'pending'), credit('b', 'analyst', 'pending')] }, {}, /^2 credits are not accepted yet: a \(finder\), b \(analyst\)\.$/],
  ['all accepted', 'credit-pending', { credits: [credit('a', 'finder', 'accepted')] }, {}, 'clear'],
  ['a closed report', 'credit-pending', { state: 'closed', credits: [credit('a', 'finder', 'pending')] }, {}, 'clear'],
  ['a declined credit', 'credit-declined', { credits: [credit('shy', 'reporter', 'declined'), credit('a', 'finder', 'pending')] }, {}, /^Credit declined by shy \(reporter\)\.$/],
  ['none declined', 'credit-declined', { credits: [credit('a', 'finder', 'pending')] }, {}, 'clear'],

  ['a draft without severity or CVSS', 'no-severity', { severity: null }, {}, /^No severity and no CVSS vector\.$/],
  ['published without severity', 'no-severity', { ...PUBLISHED, severity: null }, {}, /No severity/],
  ['a CVSS vector is enough', 'no-severity', { severity: null, cvss: [{ version: '3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N', score: 8.1 }] }, {}, 'clear'],
  ['a report in triage is not assessed yet', 'no-severity', { state: 'triage', severity: null }, {}, 'clear'],

  ['only the reporter on a new report', 'single-person', { state: 'triage', author: 'reporter-x' }, {}, /^Only 1 person is on it \(reporter-x\); the policy asks for at least 2\.$/],
  ['reporter and a collaborator', 'single-person', { state: 'triage', author: 'reporter-x', collaboratingUsers: ['coordinator'] }, {}, 'clear'],
  ['the same login as author and credit counts once (case ignored)', 'single-person', { author: 'Finder', credits: [credit('finder', 'finder', 'accepted')] }, {}, /Only 1 person/],
  ['a credited finder is a person', 'single-person', { author: 'maintainer', credits: [credit('finder', 'finder', 'declined')] }, {}, 'clear'],
  ['bots and tool or sponsor credits are not people', 'single-person', { author: 'maintainer', collaboratingUsers: ['dependabot[bot]'], credits: [credit('codeql', 'tool', 'accepted'), credit('acme', 'sponsor', 'accepted')] }, {}, /Only 1 person/],
  ['a collaborating team counts as one', 'single-person', { author: 'maintainer', collaboratingTeams: ['security'] }, {}, 'clear'],
  ['nobody at all', 'single-person', { author: null }, {}, /^0 people are on it \(nobody\)/],
  ['minimum_people from the policy', 'single-person', { author: 'a', collaboratingUsers: ['b'] }, { policy: { minimumPeople: 3 } }, /^2 people are on it \(b, a\); the policy asks for at least 3\.$/],
  ['a published advisory', 'single-person', { ...PUBLISHED, author: 'a' }, {}, 'clear'],

  ['not answered, a day past due (created 1 Mar, due 4 Mar)', 'acknowledge-overdue', { state: 'triage' }, { now: '2026-03-05T00:00:00Z' }, /^Not acknowledged: the answer was due within 3 days, by 2026-03-04 \(1 day ago\)\.$/],
  ['not answered, on its due day', 'acknowledge-overdue', { state: 'triage' }, { now: '2026-03-04T23:59:59Z' }, 'clear'],
  ['answered late', 'acknowledge-overdue', { state: 'draft' }, { now: '2026-03-09T00:00:00Z', answered: { at: '2026-03-08T00:00:00Z', evidence: 'observed-transition' } }, 'clear'],

  ['a draft past its 90 days (due 30 May)', 'disclosure-overdue', {}, { now: '2026-06-01T08:00:00Z' }, /^Not disclosed: disclosure was due within 90 days, by 2026-05-30 \(2 days ago\)\.$/],
  ['published late is met', 'disclosure-overdue', { ...PUBLISHED, publishedAt: '2026-06-20T00:00:00Z' }, { now: '2026-07-01T00:00:00Z' }, 'clear'],
  ['15 days left', 'disclosure-due-soon', {}, { now: '2026-05-15T00:00:00Z' }, 'clear'],
  ['14 days left: soon', 'disclosure-due-soon', {}, { now: '2026-05-16T00:00:00Z' }, /^To be disclosed by 2026-05-30: 14 days left\.$/],
  ['7 days left: urgent', 'disclosure-due-soon', {}, { now: '2026-05-23T00:00:00Z' }, /^To be disclosed by 2026-05-30: 7 days left \(urgent\)\.$/],
  ['its last day', 'disclosure-due-soon', {}, { now: '2026-05-30T00:00:00Z' }, /due today \(urgent\)/],
  ['overdue is disclosure-overdue, not due soon', 'disclosure-due-soon', {}, { now: '2026-06-01T00:00:00Z' }, 'clear'],

  ['in the database by GHSA', 'not-in-pypa-db', PUBLISHED, { pypaIndex: indexOf('GHSA-aaaa-bbbb-cccc') }, 'clear'],
  ['in the database by its CVE alias', 'not-in-pypa-db', PUBLISHED, { pypaIndex: indexOf('CVE-2026-1234') }, 'clear'],
  ['in the database by neither', 'not-in-pypa-db', PUBLISHED, { pypaIndex: indexOf('PYSEC-2020-1') }, /^Published for PyPI \(notebook\) but pypa\/advisory-database has no record with GHSA-aaaa-bbbb-cccc or CVE-2026-1234\.$/],
  ['no checkout given', 'not-in-pypa-db', PUBLISHED, { pypaIndex: null }, { notEvaluated: /no pypa\/advisory-database checkout was given/ }],
  ['no id to look up', 'not-in-pypa-db', { ...PUBLISHED, ghsaId: null, cveId: null }, { pypaIndex: indexOf() }, { notEvaluated: /neither a GHSA nor a CVE id/ }],
  ['not a PyPI package', 'not-in-pypa-db', { ...PUBLISHED, vulnerabilities: [{ ecosystem: 'npm', name: 'x', vulnerableVersionRange: null, patchedVersions: '1', vulnerableFunctions: [] }] }, { pypaIndex: indexOf() }, 'clear'],
  ['a draft is not expected there', 'not-in-pypa-db', {}, { pypaIndex: indexOf() }, 'clear'],
];

describe('each problem', () => {
  it.each(rows)('%s (%s)', (_name, id, overrides, setup, expected) => {
    const outcome = PROBLEMS[id].evaluate(contextFor(overrides, setup));
    if (expected === 'clear') expect(outcome).toEqual({ outcome: 'clear' });
    else if (expected instanceof RegExp) {
      expect(outcome.outcome).toBe('raised');
      expect(outcome.outcome === 'raised' && outcome.message).toMatch(expected);
      expect(outcome.outcome === 'raised' && outcome.fix.length).toBeGreaterThan(20);
    } else {
      expect(outcome.outcome).toBe('not-evaluated');
      expect(outcome.outcome === 'not-evaluated' && outcome.reason).toMatch(expected.notEvaluated);
    }
  });

  it('every problem id has a row above that raises it', () => {
    const raised = new Set(rows.filter((row) => row[4] instanceof RegExp).map((row) => row[1]));
    expect([...raised].sort()).toEqual([...PROBLEM_IDS].sort());
  });
});

describe('the problem definitions', () => {
  it('are one per ProblemId, in PROBLEM_IDS order, each with a title, why and fix', () => {
    expect(Object.keys(PROBLEMS)).toEqual([...PROBLEM_IDS]);
    for (const [id, definition] of Object.entries(PROBLEMS)) {
      expect(definition.id).toBe(id);
      for (const text of [definition.title, definition.why, definition.fix]) expect(text, id).toMatch(/^\S.{10,}\S$/);
    }
  });

  it('the fix of a manual record says how to record an answer by hand', () => {
    const outcome = PROBLEMS['acknowledge-overdue'].evaluate(contextFor({ id: 'MAIL-2026-003', ghsaId: null, origin: 'manual', state: 'triage' }, { now: '2026-03-06T00:00:00Z' }));
    expect(outcome.outcome === 'raised' && outcome.fix).toMatch(/chainwatch advisories ack MAIL-2026-003/);
  });

  it('the index is asked with both the GHSA and the CVE id', () => {
    const asked: string[][] = [];
    PROBLEMS['not-in-pypa-db'].evaluate(contextFor(PUBLISHED, { pypaIndex: { contains: (ids) => (asked.push([...ids]), true) } }));
    expect(asked).toEqual([['GHSA-aaaa-bbbb-cccc', 'CVE-2026-1234']]);
  });
});

describe('evaluateProblems', () => {
  it('lists raised problems in PROBLEM_IDS order and what was not evaluated', () => {
    const context = contextFor(
      { ...PUBLISHED, severity: null, publishedAt: '2026-07-01T00:00:00Z', credits: [credit('shy', 'reporter', 'declined'), credit('x', 'finder', 'pending')] },
      { now: '2026-07-02T00:00:00Z', pypaIndex: null, answered: { at: '2026-03-01T12:00:00Z', evidence: 'updated-at-when-first-seen' } },
    );
    const { problems, notEvaluated } = evaluateProblems(context);
    expect(problems.map((problem) => problem.id)).toEqual(['credit-pending', 'credit-declined', 'no-severity']);
    expect(notEvaluated).toEqual([{ id: 'not-in-pypa-db', reason: 'no pypa/advisory-database checkout was given' }]);
  });
});

describe('peopleOn', () => {
  it('collaborators, author, publisher and credited people once each, then teams', () => {
    const advisory = deskAdvisory({
      collaboratingUsers: ['Carol', 'renovate[bot]'],
      collaboratingTeams: ['security', 'Security'],
      author: 'reporter-x',
      publisher: 'carol',
      credits: [credit('REPORTER-X', 'reporter', 'accepted'), credit('dev', 'remediation_developer', 'pending'), credit('scanner', 'tool', 'accepted')],
    });
    expect(peopleOn(advisory)).toEqual(['Carol', 'reporter-x', 'dev', 'team:security']);
  });
});
