/**
 * What needs doing on an advisory: one definition per problem (id, title,
 * why it matters, how to fix it, and its evaluation), in PROBLEM_IDS order,
 * as posture's checks are written. Evaluations are pure: they read the
 * advisory, the policy, its clocks and the run's time. A fact the desk does
 * not have (a repository's visibility, a pypa/advisory-database checkout) is
 * never scored as a problem: the evaluation says it was not evaluated, and why.
 */
import { calendarDate, daysBetween, type AdvisoryClocks } from './clocks.js';
import { instant } from './lifecycle.js';
import { requiredCollaborators } from './policy.js';
import type { AdvisoryState, AdvisoryVulnerability, ClockPolicy, DeskAdvisory, DeskPolicy, Problem, ProblemId } from './types.js';

/**
 * A pypa/advisory-database checkout, as the desk needs it: whether any of
 * these ids (GHSA and CVE, compared as the database writes them) is the id or
 * an alias of one of its records. The reader is src/disclosure/pypa-db.ts.
 */
export interface PypaAdvisoryIndex {
  contains(ids: readonly string[]): boolean;
}

export interface ProblemContext {
  advisory: DeskAdvisory;
  /** The whole desk policy (collaborators, thresholds). */
  policy: DeskPolicy;
  /** The clocks of the advisory's organisation (policy.ts `clockPolicyFor`). */
  clockPolicy: ClockPolicy;
  clocks: AdvisoryClocks;
  now: Date;
  /** null: no checkout was given, `not-in-pypa-db` is not evaluated. */
  pypaIndex: PypaAdvisoryIndex | null;
}

export type ProblemOutcome =
  | { outcome: 'raised'; message: string; fix: string }
  | { outcome: 'clear' }
  /** The desk lacks a fact it needs: said, never raised. */
  | { outcome: 'not-evaluated'; reason: string };

export interface ProblemDefinition<Id extends ProblemId = ProblemId> {
  id: Id;
  title: string;
  /** Why it matters, in one or two sentences (docs and `--format markdown`). */
  why: string;
  /** How to fix it, in general; each raised problem carries its own fix. */
  fix: string;
  evaluate(context: ProblemContext): ProblemOutcome;
}

/** A problem the desk could not evaluate on one advisory, and why. */
export interface ProblemNotEvaluated {
  id: ProblemId;
  reason: string;
}

const CLEAR: ProblemOutcome = { outcome: 'clear' };
const OPEN_STATES: readonly AdvisoryState[] = ['triage', 'draft'];
const CREDITED_STATES: readonly AdvisoryState[] = ['triage', 'draft', 'published'];

const missingCollaborators: ProblemDefinition<'missing-collaborators'> = {
  id: 'missing-collaborators',
  title: 'The configured collaborators are on the advisory',
  why: 'Only people on an advisory see it before it is published; the desk-wide list is how a council covers every report, since teams do not work across organisations.',
  fix: 'Add the missing users and teams on the advisory page, or run `chainwatch advisories enforce --apply`.',
  evaluate({ advisory, policy }) {
    if (!OPEN_STATES.includes(advisory.state)) return CLEAR;
    const required = requiredCollaborators(policy, advisory.owner);
    const users = required.users.filter((user) => !includesIgnoringCase(advisory.collaboratingUsers, user));
    const teams = required.teams.filter((team) => !includesIgnoringCase(advisory.collaboratingTeams, team));
    if (users.length === 0 && teams.length === 0) return CLEAR;
    const named = [...(users.length > 0 ? [`${plural(users.length, 'user')} ${users.join(', ')}`] : []), ...(teams.length > 0 ? [`${plural(teams.length, 'team')} ${teams.map((team) => `${advisory.owner}/${team}`).join(', ')}`] : [])];
    return {
      outcome: 'raised',
      message: `Configured collaborators are not on it: ${named.join('; ')}.`,
      fix:
        advisory.origin === 'manual'
          ? 'Add them to the people of the manual record once they are in the loop.'
          : `Add them on the advisory page, or run \`chainwatch advisories enforce --apply\` (a token with write access to the repository's security advisories).`,
    };
  },
};

const noCve: ProblemDefinition<'no-cve'> = {
  id: 'no-cve',
  title: 'A draft in a public repository has a CVE',
  why: 'A CVE takes days to be assigned and stays private until the advisory is published; requesting it early keeps the release from waiting for it.',
  fix: 'Request a CVE from the draft advisory page (GitHub assigns CVEs for advisories in public repositories).',
  evaluate({ advisory, policy, clockPolicy, now }) {
    if (advisory.state !== 'draft' || advisory.cveId !== null) return CLEAR;
    const age = daysBetween(calendarDate(instant(advisory.createdAt, 'created_at', advisory.id), clockPolicy.timeZone), calendarDate(now, clockPolicy.timeZone));
    if (age < policy.cveAfterDays) return CLEAR;
    if (advisory.repositoryPublic === null) return { outcome: 'not-evaluated', reason: `draft for ${plural(age, 'day')} without a CVE, but whether ${advisory.owner}/${advisory.repo} is public is unknown` };
    if (!advisory.repositoryPublic) return CLEAR;
    return {
      outcome: 'raised',
      message: `A draft for ${plural(age, 'day')} in public ${advisory.owner}/${advisory.repo} without a CVE.`,
      fix: 'Request a CVE from the draft advisory page; it stays private until the advisory is published, then tell the reporter its number.',
    };
  },
};

const noPatchedVersions: ProblemDefinition<'no-patched-versions'> = {
  id: 'no-patched-versions',
  title: 'Published advisories name the patched versions',
  why: 'Without patched versions, scanners and Dependabot cannot tell users which version to upgrade to.',
  fix: 'Set `patched_versions` of every affected package to the first release with the fix; if it is disclosed without a fix, say so in the description.',
  evaluate({ advisory, clocks, clockPolicy }) {
    const disclose = clocks.disclose;
    const published = advisory.state === 'published';
    const aboutToBe = OPEN_STATES.includes(advisory.state) && disclose.status !== 'met' && disclose.daysLeft !== null && disclose.daysLeft <= clockPolicy.warnDays;
    if (!published && !aboutToBe) return CLEAR;
    const lacking = advisory.vulnerabilities.filter((vulnerability) => (vulnerability.patchedVersions ?? '').trim() === '');
    if (lacking.length === 0) return CLEAR;
    const packages = lacking.map(packageLabel).join(', ');
    return published
      ? { outcome: 'raised', message: `Published with no patched version for ${packages}.`, fix: 'Edit the advisory: set the patched versions once a release has the fix (or say in the description that there is none yet).' }
      : {
          outcome: 'raised',
          message: `To be disclosed by ${disclose.due} (${daysLeftPhrase(disclose.daysLeft)}) with no patched version for ${packages}.`,
          fix: 'Release the fix and set the patched versions before publishing, or state in the description that it is disclosed unpatched.',
        };
  },
};

const creditPending: ProblemDefinition<'credit-pending'> = {
  id: 'credit-pending',
  title: 'Credits are accepted',
  why: 'A credit shows on the published advisory only once the person accepts it; reporters should get the acknowledgement the policy promises.',
  fix: 'Ask the credited people to accept the credit (GitHub notified them; it is on the advisory page).',
  evaluate({ advisory }) {
    if (!CREDITED_STATES.includes(advisory.state)) return CLEAR;
    const pending = advisory.credits.filter((credit) => credit.state === 'pending');
    if (pending.length === 0) return CLEAR;
    return {
      outcome: 'raised',
      message: `${pending.length === 1 ? 'A credit is' : `${pending.length} credits are`} not accepted yet: ${pending.map((credit) => `${credit.login} (${credit.type})`).join(', ')}.`,
      fix: 'Remind them to accept it from GitHub\'s notification or the advisory page; publishing does not need to wait for it.',
    };
  },
};

const creditDeclined: ProblemDefinition<'credit-declined'> = {
  id: 'credit-declined',
  title: 'No credit was declined',
  why: 'Someone declined being named: the advisory and announcements must not name them.',
  fix: 'Remove the declined credit, and leave them out of announcements and the hall of fame.',
  evaluate({ advisory }) {
    if (!CREDITED_STATES.includes(advisory.state)) return CLEAR;
    const declined = advisory.credits.filter((credit) => credit.state === 'declined');
    if (declined.length === 0) return CLEAR;
    return {
      outcome: 'raised',
      message: `Credit declined by ${declined.map((credit) => `${credit.login} (${credit.type})`).join(', ')}.`,
      fix: 'Remove the declined credit from the advisory and do not name them in announcements; ask if they prefer another form of thanks.',
    };
  },
};

const noSeverity: ProblemDefinition<'no-severity'> = {
  id: 'no-severity',
  title: 'The advisory has a severity',
  why: 'Scanners, the GitHub Advisory Database and users triage by severity; without it, an advisory is easy to overlook.',
  fix: 'Set a severity, or a CVSS vector from which GitHub computes it.',
  evaluate({ advisory }) {
    // Assessed when a report is accepted: a report still in triage is not asked for one yet.
    if (advisory.state !== 'draft' && advisory.state !== 'published') return CLEAR;
    if (advisory.severity !== null || advisory.cvss.length > 0) return CLEAR;
    return { outcome: 'raised', message: 'No severity and no CVSS vector.', fix: 'Set a severity or a CVSS vector on the advisory.' };
  },
};

const singlePerson: ProblemDefinition<'single-person'> = {
  id: 'single-person',
  title: 'Enough people are on the advisory',
  why: 'The reporter, coordinator and developer roles should be covered by at least two separate people, so that no report depends on one person.',
  fix: 'Add a coordinator or developer who is not already on it as a collaborator.',
  evaluate({ advisory, policy }) {
    if (!OPEN_STATES.includes(advisory.state)) return CLEAR;
    const people = peopleOn(advisory);
    if (people.length >= policy.minimumPeople) return CLEAR;
    const who = people.length === 0 ? 'nobody' : people.join(', ');
    return {
      outcome: 'raised',
      message: `${people.length === 1 ? 'Only 1 person is' : `${people.length} people are`} on it (${who}); the policy asks for at least ${policy.minimumPeople}.`,
      fix:
        advisory.origin === 'manual'
          ? 'Bring a second person in and add them to the manual record.'
          : 'Add a coordinator or developer as a collaborator (`disclosure.collaborators` lists who `advisories enforce` adds).',
    };
  },
};

/**
 * Who counts as a person on an advisory, each once (logins compared ignoring
 * case): its collaborating users, its author (for a private report, the
 * reporter) and publisher, and everyone credited except as `tool` or
 * `sponsor`, whatever the credit's state (declining credit is not leaving).
 * Accounts ending in `[bot]` are not people. A collaborating team counts as
 * one person (`team:<slug>`): its members are not read, and a team has at
 * least someone on it.
 */
export function peopleOn(advisory: DeskAdvisory): string[] {
  const logins = [
    ...advisory.collaboratingUsers,
    ...(advisory.author !== null ? [advisory.author] : []),
    ...(advisory.publisher !== null ? [advisory.publisher] : []),
    ...advisory.credits.filter((credit) => credit.type !== 'tool' && credit.type !== 'sponsor').map((credit) => credit.login),
  ];
  const seen = new Set<string>();
  const people: string[] = [];
  for (const login of logins) {
    const key = login.toLowerCase();
    if (login.trim() === '' || key.endsWith('[bot]') || seen.has(key)) continue;
    seen.add(key);
    people.push(login);
  }
  for (const team of advisory.collaboratingTeams) {
    const key = `team:${team.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    people.push(`team:${team}`);
  }
  return people;
}

const acknowledgeOverdue: ProblemDefinition<'acknowledge-overdue'> = {
  id: 'acknowledge-overdue',
  title: 'New reports are answered in time',
  why: 'The policy promises reporters an answer within a few days; a report left in triage looks ignored and may be disclosed without us.',
  fix: 'Answer the reporter and accept the report, or close it and tell them why; record an answer sent by mail with `chainwatch advisories ack`.',
  evaluate({ advisory, clocks, clockPolicy }) {
    const clock = clocks.acknowledge;
    if (clock.status !== 'overdue') return CLEAR;
    return {
      outcome: 'raised',
      message: `Not acknowledged: the answer was due within ${plural(clockPolicy.acknowledgeDays, 'day')}, by ${clock.due} (${daysLeftPhrase(clock.daysLeft)}).`,
      fix:
        advisory.origin === 'manual'
          ? `Answer the reporter, then record it: \`chainwatch advisories ack ${advisory.id}\`.`
          : `Accept the report (or close it) and tell the reporter; if they were answered outside GitHub, record it: \`chainwatch advisories ack ${advisory.id}\`.`,
    };
  },
};

const disclosureOverdue: ProblemDefinition<'disclosure-overdue'> = {
  id: 'disclosure-overdue',
  title: 'Advisories are disclosed in time',
  why: 'The policy discloses every vulnerability within its deadline, patched or not; users stay exposed without knowing while it waits.',
  fix: 'Publish the advisory, or close it if it is not a vulnerability; if a later date was agreed with the reporter, write it on the advisory.',
  evaluate({ clocks, clockPolicy }) {
    const clock = clocks.disclose;
    if (clock.status !== 'overdue') return CLEAR;
    return {
      outcome: 'raised',
      message: `Not disclosed: disclosure was due within ${plural(clockPolicy.discloseDays, 'day')}, by ${clock.due} (${daysLeftPhrase(clock.daysLeft)}).`,
      fix: 'Publish it now, with or without a fix, or close it if it is not a vulnerability; agree any later date with the reporter.',
    };
  },
};

const disclosureDueSoon: ProblemDefinition<'disclosure-due-soon'> = {
  id: 'disclosure-due-soon',
  title: 'Disclosure is prepared before it is due',
  why: 'A release and its announcement are typically at least a week apart: the dates must be agreed before the deadline comes close.',
  fix: 'Agree the release and announcement dates, request the CVE and prepare the fix release.',
  evaluate({ clocks }) {
    const clock = clocks.disclose;
    if (clock.status !== 'due' || clock.urgency === 'none') return CLEAR;
    return {
      outcome: 'raised',
      message: `To be disclosed by ${clock.due}: ${daysLeftPhrase(clock.daysLeft)}${clock.urgency === 'urgent' ? ' (urgent)' : ''}.`,
      fix: 'Agree the release and announcement dates with the developers and the reporter, and write them on the advisory.',
    };
  },
};

const notInPypaDb: ProblemDefinition<'not-in-pypa-db'> = {
  id: 'not-in-pypa-db',
  title: 'Published PyPI advisories are in pypa/advisory-database',
  why: 'pip-audit and other Python tools read pypa/advisory-database; an advisory missing there does not reach their users.',
  fix: 'Run `chainwatch advisories export --pypa DIR` on a checkout and open a pull request with the records it writes.',
  evaluate({ advisory, pypaIndex }) {
    if (advisory.state !== 'published') return CLEAR;
    const pip = advisory.vulnerabilities.filter((vulnerability) => vulnerability.ecosystem?.toLowerCase() === 'pip');
    if (pip.length === 0) return CLEAR;
    const ids = [advisory.ghsaId, advisory.cveId].filter((id): id is string => id !== null && id !== '');
    if (ids.length === 0) return { outcome: 'not-evaluated', reason: 'it has neither a GHSA nor a CVE id to look up' };
    if (pypaIndex === null) return { outcome: 'not-evaluated', reason: 'no pypa/advisory-database checkout was given' };
    if (pypaIndex.contains(ids)) return CLEAR;
    return {
      outcome: 'raised',
      message: `Published for PyPI (${pip.map((vulnerability) => vulnerability.name ?? '(unnamed)').join(', ')}) but pypa/advisory-database has no record with ${ids.join(' or ')}.`,
      fix: 'Run `chainwatch advisories export --pypa DIR` on a checkout of pypa/advisory-database and open a pull request with the new record.',
    };
  },
};

/** Every problem, keyed by its id, in PROBLEM_IDS order (the order of a report). */
export const PROBLEMS = {
  'missing-collaborators': missingCollaborators,
  'no-cve': noCve,
  'no-patched-versions': noPatchedVersions,
  'credit-pending': creditPending,
  'credit-declined': creditDeclined,
  'no-severity': noSeverity,
  'single-person': singlePerson,
  'acknowledge-overdue': acknowledgeOverdue,
  'disclosure-overdue': disclosureOverdue,
  'disclosure-due-soon': disclosureDueSoon,
  'not-in-pypa-db': notInPypaDb,
} as const satisfies { readonly [Id in ProblemId]: ProblemDefinition<Id> };

/** Every problem of one advisory, in PROBLEM_IDS order, and those that could not be evaluated. */
export function evaluateProblems(context: ProblemContext): { problems: Problem[]; notEvaluated: ProblemNotEvaluated[] } {
  const problems: Problem[] = [];
  const notEvaluated: ProblemNotEvaluated[] = [];
  for (const definition of Object.values(PROBLEMS) as ProblemDefinition[]) {
    const outcome = definition.evaluate(context);
    if (outcome.outcome === 'raised') problems.push({ id: definition.id, message: outcome.message, fix: outcome.fix });
    else if (outcome.outcome === 'not-evaluated') notEvaluated.push({ id: definition.id, reason: outcome.reason });
  }
  return { problems, notEvaluated };
}

function includesIgnoringCase(values: readonly string[], wanted: string): boolean {
  const key = wanted.toLowerCase();
  return values.some((value) => value.toLowerCase() === key);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function daysLeftPhrase(daysLeft: number | null): string {
  if (daysLeft === null) return 'met';
  if (daysLeft === 0) return 'due today';
  return daysLeft > 0 ? `${plural(daysLeft, 'day')} left` : `${plural(-daysLeft, 'day')} ago`;
}

function packageLabel(vulnerability: AdvisoryVulnerability): string {
  return `${vulnerability.ecosystem ?? 'unknown ecosystem'} ${vulnerability.name ?? '(unnamed package)'}`;
}
