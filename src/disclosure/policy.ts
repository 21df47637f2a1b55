/**
 * The desk's policy as one advisory sees it: the defaults (the Jupyter
 * Security Council's process), the clocks of the advisory's organisation with
 * its overrides merged over the desk-wide ones, and who must be on it.
 *
 * The configuration parser (config/config.ts) validates what a user writes;
 * a policy built in code is checked here too, because a bad time zone or a
 * negative number of days would otherwise surface as nonsense dates.
 */
import { ChainwatchError } from '../core/errors.js';
import { DEFAULT_CLOCK_POLICY, type ClockPolicy, type CollaboratorPolicy, type DeskPolicy } from './types.js';

/** The desk's configuration when chainwatch.yaml has no `disclosure:` section. */
export const DEFAULT_DESK_POLICY: DeskPolicy = {
  clocks: DEFAULT_CLOCK_POLICY,
  orgs: {},
  collaborators: { users: [], teams: [] },
  cveAfterDays: 7,
  minimumPeople: 2,
  trackingRepo: null,
  notifiers: [],
};

/** The policy's entry for `org`: an exact key first, else one that differs only in case (GitHub's org names ignore case). */
function orgEntry(policy: DeskPolicy, org: string): DeskPolicy['orgs'][string] | undefined {
  if (Object.hasOwn(policy.orgs, org)) return policy.orgs[org];
  const lower = org.toLowerCase();
  const key = Object.keys(policy.orgs).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : policy.orgs[key];
}

/**
 * The clocks of `org`'s advisories: its overrides merged field by field over
 * the desk-wide clocks. Throws `invalid-config` for a policy no clock can run
 * on (an unknown time zone, negative or fractional days, urgent before soon).
 */
export function clockPolicyFor(policy: DeskPolicy, org: string): ClockPolicy {
  const overrides = orgEntry(policy, org)?.clocks ?? {};
  const merged: ClockPolicy = { ...policy.clocks };
  for (const key of Object.keys(overrides) as (keyof ClockPolicy)[]) {
    const value = overrides[key];
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  const problem = clockPolicyProblem(merged);
  if (problem !== null) throw new ChainwatchError('invalid-config', `disclosure clocks for ${org}: ${problem}`);
  return merged;
}

/** Why a clock policy cannot run, or null when it can. Shared with the configuration parser. */
export function clockPolicyProblem(policy: ClockPolicy): string | null {
  for (const key of ['acknowledgeDays', 'discloseDays', 'warnDays', 'urgentDays'] as const) {
    const value = policy[key];
    if (!Number.isInteger(value) || value < 0) return `${key} must be a whole number of days, 0 or more (got ${String(value)})`;
  }
  if (policy.urgentDays > policy.warnDays) return `urgentDays (${policy.urgentDays}) is more than warnDays (${policy.warnDays}): a clock is urgent only once it is due soon`;
  return timeZoneProblem(policy.timeZone);
}

/** Why `timeZone` is not a zone the runtime knows, or null. IANA names (`Europe/Berlin`, `UTC`) are what Intl accepts. */
export function timeZoneProblem(timeZone: string): string | null {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return 'the time zone is empty: name an IANA time zone such as UTC or Europe/Berlin';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return null;
  } catch {
    return `unknown time zone ${JSON.stringify(timeZone)}: name an IANA time zone such as UTC, Europe/Berlin or America/New_York`;
  }
}

/** Who must be on an advisory of `org`, teams reduced to the slugs usable in that org. */
export interface RequiredCollaborators {
  /** Logins, desk-wide and the org's own, without duplicates (compared ignoring case), in configured order. */
  users: string[];
  /** Slugs of this org's teams: entries `org/slug` for this org and bare `slug` entries. */
  teams: string[];
  /** Team entries of other organisations, which GitHub cannot add to this org's advisories ("teams don't work across orgs"). */
  otherOrgTeams: string[];
}

/**
 * The collaborators required on `org`'s advisories: the desk-wide list and
 * the org's own, together (an org adds people, it cannot remove the
 * desk-wide ones). A team counts only in its own organisation.
 */
export function requiredCollaborators(policy: DeskPolicy, org: string): RequiredCollaborators {
  const own: CollaboratorPolicy = orgEntry(policy, org)?.collaborators ?? { users: [], teams: [] };
  const users = uniqueIgnoringCase([...policy.collaborators.users, ...own.users]);
  const teams: string[] = [];
  const otherOrgTeams: string[] = [];
  for (const entry of uniqueIgnoringCase([...policy.collaborators.teams, ...own.teams])) {
    const slash = entry.indexOf('/');
    if (slash === -1) teams.push(entry);
    else if (entry.slice(0, slash).toLowerCase() === org.toLowerCase()) teams.push(entry.slice(slash + 1));
    else otherOrgTeams.push(entry);
  }
  return { users, teams: uniqueIgnoringCase(teams), otherOrgTeams };
}

function uniqueIgnoringCase(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const value of values) {
    const key = value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(value);
  }
  return unique;
}
