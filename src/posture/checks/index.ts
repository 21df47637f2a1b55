/**
 * The explicit registry of checks (STYLE rules 6 and 10): a typed map from id
 * to its definition, one file per check (`<id>.ts`: texts, risk, the probes it
 * reads and its evaluation). Probes answer yes/no questions; evaluations turn
 * their answers into pass/partial/fail with one summary sentence and the
 * findings that explain it. "Could not tell" is never scored as bad: a fact
 * the source cannot give makes the check not-available.
 */
import type { Clock } from '../../core/clock.js';
import {
  DEFAULT_POSTURE_SETTINGS,
  ORG_PROBES,
  REPO_PROBES,
  type OrgProbeId,
  type PostureSettings,
  type ProbeContext,
  type RepoProbeId,
} from '../probes/index.js';
import { CHECK_IDS, ORG_CHECK_IDS, type CheckId, type CheckResult, type OrgCheckId, type OrgFacts, type OrgPosture, type RepoFacts, type RepoPosture } from '../types.js';
import { bestPracticesBadge } from './best-practices-badge.js';
import { branchProtection } from './branch-protection.js';
import { dangerousWorkflow } from './dangerous-workflow.js';
import { dependencyUpdateTool } from './dependency-update-tool.js';
import { maintained } from './maintained.js';
import { orgInactiveMembers } from './org-inactive-members.js';
import { orgOutsideCollaborators } from './org-outside-collaborators.js';
import { orgTwoFactor } from './org-two-factor.js';
import { orgWorkflowPermissions } from './org-workflow-permissions.js';
import { pinnedActions } from './pinned-actions.js';
import { privateVulnerabilityReporting } from './private-vulnerability-reporting.js';
import { securityPolicy } from './security-policy.js';
import { tokenPermissions } from './token-permissions.js';
import { trustedPublishing } from './trusted-publishing.js';
import type { OrgCheckDefinition, RepoCheckDefinition } from './types.js';

export type { OrgCheckDefinition, RepoCheckDefinition } from './types.js';

/** Every repository check, keyed by its id, in CHECK_IDS order. */
export const REPO_CHECKS = {
  'dependency-update-tool': dependencyUpdateTool,
  'security-policy': securityPolicy,
  'private-vulnerability-reporting': privateVulnerabilityReporting,
  'pinned-actions': pinnedActions,
  'token-permissions': tokenPermissions,
  'dangerous-workflow': dangerousWorkflow,
  'trusted-publishing': trustedPublishing,
  'branch-protection': branchProtection,
  maintained,
  'best-practices-badge': bestPracticesBadge,
} as const satisfies { readonly [Id in CheckId]: RepoCheckDefinition<Id, RepoProbeId> };

/** Every org check, keyed by its id, in ORG_CHECK_IDS order. */
export const ORG_CHECKS = {
  'org-two-factor': orgTwoFactor,
  'org-workflow-permissions': orgWorkflowPermissions,
  'org-inactive-members': orgInactiveMembers,
  'org-outside-collaborators': orgOutsideCollaborators,
} as const satisfies { readonly [Id in OrgCheckId]: OrgCheckDefinition<Id, OrgProbeId> };

/** The definition of any check, repository or org: its texts for reports, the README and issues. */
export function checkDefinition(id: CheckId | OrgCheckId): RepoCheckDefinition | OrgCheckDefinition {
  return isOrgCheckId(id) ? ORG_CHECKS[id] : REPO_CHECKS[id];
}

function isOrgCheckId(id: CheckId | OrgCheckId): id is OrgCheckId {
  return (ORG_CHECK_IDS as readonly string[]).includes(id);
}

export interface EvaluationOptions {
  clock: Clock;
  /** Overrides of the time thresholds (DEFAULT_POSTURE_SETTINGS). */
  settings?: Partial<PostureSettings>;
  /** Only these checks, in CHECK_IDS order (default: all). */
  checks?: readonly (CheckId | OrgCheckId)[];
}

function contextOf(options: EvaluationOptions): ProbeContext {
  return { now: options.clock.now(), settings: { ...DEFAULT_POSTURE_SETTINGS, ...options.settings } };
}

/** Every repository check (or the selected ones), in CHECK_IDS order. */
export function evaluateRepo(facts: RepoFacts, options: EvaluationOptions): RepoPosture {
  const context = contextOf(options);
  const answers = repoAnswers(facts, context);
  const selected = CHECK_IDS.filter((id) => !options.checks || options.checks.includes(id));
  return { repo: facts.repo, checks: selected.map((id) => evaluateWith(REPO_CHECKS[id], answers, context)) };
}

export function evaluateRepoCheck(id: CheckId, facts: RepoFacts, options: EvaluationOptions): CheckResult {
  const context = contextOf(options);
  return evaluateWith(REPO_CHECKS[id], repoAnswers(facts, context), context);
}

/** Every org check (or the selected ones), in ORG_CHECK_IDS order. */
export function evaluateOrg(facts: OrgFacts, options: EvaluationOptions): OrgPosture {
  const context = contextOf(options);
  const answers = orgAnswers(facts, context);
  const selected = ORG_CHECK_IDS.filter((id) => !options.checks || options.checks.includes(id));
  return { org: facts.org, checks: selected.map((id) => evaluateWith(ORG_CHECKS[id], answers, context)) };
}

// ---------------------------------------------------------------------------

/** Each probe runs at most once per repository (or org), and only when a check reads it. */
function repoAnswers(facts: RepoFacts, context: ProbeContext): (id: RepoProbeId) => unknown {
  const answers = new Map<RepoProbeId, unknown>();
  return (id) => {
    if (!answers.has(id)) answers.set(id, REPO_PROBES[id].run(facts, context));
    return answers.get(id);
  };
}

function orgAnswers(facts: OrgFacts, context: ProbeContext): (id: OrgProbeId) => unknown {
  const answers = new Map<OrgProbeId, unknown>();
  return (id) => {
    if (!answers.has(id)) answers.set(id, ORG_PROBES[id].run(facts, context));
    return answers.get(id);
  };
}

/**
 * Hands a check the answers of the probes it lists, and only those, each run
 * when first read. (The types already keep an evaluation to its listed probes;
 * the answers object holds nothing else either.)
 */
function evaluateWith<ProbeId extends string>(
  definition: { probes: readonly ProbeId[]; evaluate(answers: never, context: ProbeContext): CheckResult },
  answer: (id: ProbeId) => unknown,
  context: ProbeContext,
): CheckResult {
  const listed = {};
  for (const id of definition.probes) Object.defineProperty(listed, id, { enumerable: true, get: () => answer(id) });
  return definition.evaluate(listed as never, context);
}
