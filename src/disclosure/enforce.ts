/**
 * `advisories enforce`: the collaborators the policy requires on every open
 * advisory, added to the ones already on it. Nobody is ever removed: GitHub
 * replaces `collaborating_users` and `collaborating_teams` with what a PATCH
 * sends, so the body always carries the existing collaborators too.
 *
 * planEnforcement is pure (the dry run prints its plan); applyPlan reads each
 * advisory again before writing, because the desk's data may be hours old and
 * someone may have added or removed a collaborator since.
 */
import { ChainwatchError, HostError } from '../core/errors.js';
import type { AdvisoryReference, CollaboratorPatch, DeskGithub } from './desk-github.js';
import { requiredCollaborators } from './policy.js';
import type { AdvisoryState, DeskAdvisory, DeskPolicy } from './types.js';

/**
 * States in which enforce adds collaborators. Collaborators give write access
 * to an advisory's private discussion, draft and temporary private fork: that
 * is the work of `triage` (a private vulnerability report) and `draft`
 * (GitHub's REST API documents adding collaborators to draft advisories; the
 * PATCH endpoint accepts them on reports in triage too). A `published`
 * advisory is public and its private fork is gone; `closed` and `withdrawn`
 * ones are finished (reopening makes a closed one a draft again, and the next
 * run covers it). Those are left alone, and the plan says why.
 */
export const ENFORCED_STATES: readonly AdvisoryState[] = ['triage', 'draft'];

export const CROSS_ORG_TEAM_NOTE = "teams don't work across orgs: add its members as users";

/** A collaborator the policy requires, and which part of the configuration asks for it. */
export interface RequiredCollaborator {
  /** A login, or a team slug of the advisory's organisation. */
  name: string;
  /** `disclosure.collaborators` or `disclosure.orgs.<org>.collaborators`. */
  requiredBy: string;
}

export type PlanAction =
  /** Someone required is missing: `body` is the PATCH that adds them. */
  | 'patch'
  /** Every required collaborator is already on it. */
  | 'unchanged'
  /** Not enforced: a manual record, or a state enforce leaves alone (`reasons` says which). */
  | 'skipped';

export interface EnforcePlanItem {
  advisoryId: string;
  /** Where the PATCH goes; null for a record that is not a GitHub advisory. */
  target: AdvisoryReference | null;
  state: AdvisoryState;
  action: PlanAction;
  /** What the policy requires here, after dropping teams of other organisations. */
  required: { users: RequiredCollaborator[]; teams: RequiredCollaborator[] };
  /** Required and not on the advisory (per the desk's data). */
  missing: { users: string[]; teams: string[] };
  /** The PATCH body: existing collaborators followed by the missing ones; null unless `action` is `patch`. */
  body: CollaboratorPatch | null;
  /** Why: one sentence per addition or per reason for skipping. */
  reasons: string[];
  /** Configured collaborators that cannot be applied here (a team of another organisation). */
  notes: string[];
}

export interface EnforcePlan {
  items: EnforcePlanItem[];
}

/**
 * The plan for `advisories`: per advisory, the collaborators required by
 * `policy.collaborators` and `policy.orgs[owner].collaborators` merged with
 * the ones it has. Teams are written `org/slug` or as a bare slug (the
 * advisory's own organisation); a team of another organisation is dropped
 * with a note. Users and teams compare case-insensitively (GitHub's logins
 * and slugs do).
 */
export function planEnforcement(advisories: readonly DeskAdvisory[], policy: DeskPolicy): EnforcePlan {
  return { items: advisories.map((advisory) => planOne(advisory, policy)) };
}

function planOne(advisory: DeskAdvisory, policy: DeskPolicy): EnforcePlanItem {
  const target = advisory.ghsaId && advisory.origin !== 'manual' ? { owner: advisory.owner, repo: advisory.repo, ghsaId: advisory.ghsaId } : null;
  const { users, teams, notes } = requiredFor(advisory.owner, advisory.repo, policy);
  const base: EnforcePlanItem = {
    advisoryId: advisory.id,
    target,
    state: advisory.state,
    action: 'skipped',
    required: { users, teams },
    missing: { users: [], teams: [] },
    body: null,
    reasons: [],
    notes,
  };
  if (!target) {
    base.reasons.push('not a GitHub advisory (a manual record): there are no collaborators to add');
    return base;
  }
  if (!ENFORCED_STATES.includes(advisory.state)) {
    base.reasons.push(skippedStateReason(advisory.state));
    return base;
  }
  return { ...base, ...mergeCollaborators(advisory, { users, teams }) };
}

function skippedStateReason(state: AdvisoryState): string {
  return `${state}: enforce only adds collaborators to advisories in triage or draft, where the private work happens`;
}

/** The merge of `required` into the advisory's collaborators: the action, what is missing, the body and why. */
function mergeCollaborators(
  advisory: Pick<DeskAdvisory, 'collaboratingUsers' | 'collaboratingTeams'>,
  required: EnforcePlanItem['required'],
): Pick<EnforcePlanItem, 'action' | 'missing' | 'body' | 'reasons'> {
  const missingUsers = missingFrom(advisory.collaboratingUsers, required.users);
  const missingTeams = missingFrom(advisory.collaboratingTeams, required.teams);
  const missing = { users: missingUsers.map((one) => one.name), teams: missingTeams.map((one) => one.name) };
  if (missing.users.length === 0 && missing.teams.length === 0) {
    return { action: 'unchanged', missing, body: null, reasons: ['every required collaborator is already on it'] };
  }
  const reasons = [...describeAdditions('user', missingUsers), ...describeAdditions('team', missingTeams)];
  const body: CollaboratorPatch = {
    collaborating_users: uniqueCaseless([...advisory.collaboratingUsers, ...missing.users]),
    collaborating_teams: uniqueCaseless([...advisory.collaboratingTeams, ...missing.teams]),
  };
  return { action: 'patch', missing, body, reasons };
}

function missingFrom(existing: readonly string[], required: readonly RequiredCollaborator[]): RequiredCollaborator[] {
  const present = new Set(existing.map((name) => name.toLowerCase()));
  return required.filter((one) => !present.has(one.name.toLowerCase()));
}

function describeAdditions(kind: 'user' | 'team', additions: readonly RequiredCollaborator[]): string[] {
  const byOrigin = new Map<string, string[]>();
  for (const one of additions) {
    const names = byOrigin.get(one.requiredBy) ?? [];
    names.push(one.name);
    byOrigin.set(one.requiredBy, names);
  }
  return [...byOrigin].map(([requiredBy, names]) => `adds ${kind}${names.length === 1 ? '' : 's'} ${names.join(', ')} (required by ${requiredBy})`);
}

/**
 * Users and teams the policy requires on an advisory of `owner/repo` (one
 * definition, policy.ts's, shared with the `missing-collaborators` problem),
 * each with the part of the configuration that asks for it, and the teams of
 * other organisations it had to leave out.
 */
function requiredFor(owner: string, repo: string, policy: DeskPolicy): { users: RequiredCollaborator[]; teams: RequiredCollaborator[]; notes: string[] } {
  const required = requiredCollaborators(policy, owner);
  const orgKey = Object.keys(policy.orgs).find((org) => org.toLowerCase() === owner.toLowerCase()) ?? owner;
  const desk = 'disclosure.collaborators';
  const ownOrg = `disclosure.orgs.${orgKey}.collaborators`;
  const inDesk = (entries: readonly string[], name: string) => entries.some((entry) => entry.toLowerCase() === name.toLowerCase());
  const deskTeamSlugs = policy.collaborators.teams.map((entry) => {
    const slash = entry.indexOf('/');
    return slash === -1 || entry.slice(0, slash).toLowerCase() === owner.toLowerCase() ? entry.slice(slash + 1) : '';
  });
  return {
    users: required.users.map((name) => ({ name, requiredBy: inDesk(policy.collaborators.users, name) ? desk : ownOrg })),
    teams: required.teams.map((name) => ({ name, requiredBy: inDesk(deskTeamSlugs, name) ? desk : ownOrg })),
    notes: required.otherOrgTeams.map((team) => `team ${team} (${inDesk(policy.collaborators.teams, team) ? desk : ownOrg}) left out on ${owner}/${repo}: ${CROSS_ORG_TEAM_NOTE}`),
  };
}

function uniqueCaseless(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}

export type EnforceOutcome =
  /** The PATCH was sent and GitHub accepted it. */
  | 'sent'
  /** Read again, nobody was missing any more: nothing sent. */
  | 'unchanged'
  /** The re-read or the PATCH failed (`message` says why); the others went on. */
  | 'failed'
  /** Not enforced (see the plan's reasons), or no longer in an enforced state when read again. */
  | 'skipped';

export interface EnforceResultItem {
  advisoryId: string;
  outcome: EnforceOutcome;
  /** The body sent (`sent`), or that would have been sent when the PATCH failed. */
  body: CollaboratorPatch | null;
  /** Who was added (`sent`), from the fresh read. */
  added: { users: string[]; teams: string[] };
  /** One sentence: what happened, or why it failed (no credential). */
  message: string;
  /** GitHub's status when it refused (403, 404, 422...). */
  status?: number;
}

export interface EnforceResult {
  items: EnforceResultItem[];
}

/**
 * Applies `plan` through `github`, one advisory after the other (GitHub asks
 * for mutations to be sent serially). Each advisory that the plan did not
 * skip is read again and the merge recomputed against its fresh
 * collaborators; the PATCH goes out only if someone is still missing. A
 * failure is reported for its advisory and the next one goes on. Errors that
 * are not ChainwatchErrors are bugs and propagate.
 */
export async function applyPlan(plan: EnforcePlan, github: DeskGithub): Promise<EnforceResult> {
  const items: EnforceResultItem[] = [];
  for (const item of plan.items) items.push(await applyOne(item, github));
  return { items };
}

async function applyOne(item: EnforcePlanItem, github: DeskGithub): Promise<EnforceResultItem> {
  const none = { users: [], teams: [] };
  if (item.action === 'skipped' || !item.target) {
    return { advisoryId: item.advisoryId, outcome: 'skipped', body: null, added: none, message: item.reasons.join('; ') };
  }
  const target = item.target;
  let fresh: DeskAdvisory | null;
  try {
    fresh = await github.fetchAdvisory(target.owner, target.repo, target.ghsaId);
  } catch (error) {
    if (error instanceof HostError && error.status === 404) fresh = null;
    else return failure(item.advisoryId, null, 'reading it again', error);
  }
  if (!fresh) {
    return { advisoryId: item.advisoryId, outcome: 'failed', body: null, added: none, status: 404, message: `${label(target)} was not found when read again: it is gone, or the token cannot see it` };
  }
  if (!ENFORCED_STATES.includes(fresh.state)) {
    return { advisoryId: item.advisoryId, outcome: 'skipped', body: null, added: none, message: `now ${skippedStateReason(fresh.state)}` };
  }
  const merge = mergeCollaborators(fresh, item.required);
  if (merge.action !== 'patch' || !merge.body) {
    return { advisoryId: item.advisoryId, outcome: 'unchanged', body: null, added: none, message: 'every required collaborator is already on it' };
  }
  try {
    const answer = await github.updateAdvisory(target.owner, target.repo, target.ghsaId, merge.body);
    const stillMissing = [
      ...missingFrom(answer.collaboratingUsers, item.required.users.filter((one) => merge.missing.users.includes(one.name))),
      ...missingFrom(answer.collaboratingTeams, item.required.teams.filter((one) => merge.missing.teams.includes(one.name))),
    ].map((one) => one.name);
    const message =
      merge.reasons.join('; ') + (stillMissing.length > 0 ? `; GitHub's answer does not list ${stillMissing.join(', ')}: check the logins and team slugs` : '');
    return { advisoryId: item.advisoryId, outcome: 'sent', body: merge.body, added: merge.missing, message };
  } catch (error) {
    return failure(item.advisoryId, merge.body, 'updating its collaborators', error);
  }
}

function failure(advisoryId: string, body: CollaboratorPatch | null, doing: string, error: unknown): EnforceResultItem {
  if (!(error instanceof ChainwatchError)) throw error;
  const status = error instanceof HostError ? error.status : undefined;
  const item: EnforceResultItem = { advisoryId, outcome: 'failed', body, added: { users: [], teams: [] }, message: `${doing} failed: ${explainStatus(status, error.message)}` };
  if (status !== undefined) item.status = status;
  return item;
}

function explainStatus(status: number | undefined, message: string): string {
  switch (status) {
    case 401:
      return 'GitHub refused the token (401)';
    case 403:
      return 'the token may not edit this advisory (403): enforce needs a repository admin or security manager token with security advisories write (fine-grained "Repository security advisories: write"; classic `repo` or `repository_advisories:write`)';
    case 404:
      return 'not found (404): the advisory is gone, or the token cannot see it';
    case 422:
      return `GitHub refused the collaborators (422): a login that does not exist, or a team that is not the repository organisation's? ${message}`;
    default:
      return message;
  }
}

function label(target: AdvisoryReference): string {
  return `${target.ghsaId} in ${target.owner}/${target.repo}`;
}
