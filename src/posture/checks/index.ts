/**
 * Evaluation: which probes make each check, and the only place outcomes,
 * thresholds and weights are decided (STYLE rule 6). Probes answer yes/no
 * questions; this file turns their answers into pass/partial/fail with one
 * summary sentence and the findings that explain it. "Could not tell" is never
 * scored as bad: a fact the source cannot give makes the check not-available.
 */
import type { Clock } from '../../core/clock.js';
import {
  DEFAULT_POSTURE_SETTINGS,
  ORG_PROBES,
  REPO_PROBES,
  type OrgProbeId,
  type PostureSettings,
  type ProbeAnswer,
  type ProbeContext,
  type RepoProbeId,
} from '../probes/index.js';
import {
  CHECK_IDS,
  ORG_CHECK_IDS,
  type CheckId,
  type CheckOutcome,
  type CheckResult,
  type Finding,
  type OrgCheckId,
  type OrgFacts,
  type OrgPosture,
  type RepoFacts,
  type RepoPosture,
} from '../types.js';

export type Risk = 'critical' | 'high' | 'medium' | 'low';

/** How much a check weighs in a score and in ordering a report (OpenSSF Scorecard's risk levels). */
export const RISK_WEIGHTS: Readonly<Record<Risk, number>> = { critical: 10, high: 7.5, medium: 5, low: 2.5 };

/** What each outcome earns of a check's weight; null: left out of the score. */
export const OUTCOME_SCORES: Readonly<Record<CheckOutcome, number | null>> = {
  pass: 1,
  partial: 0.5,
  fail: 0,
  'not-available': null,
  'not-applicable': null,
  error: null,
};

export interface CheckDefinition<Id extends string, ProbeId extends string> {
  id: Id;
  title: string;
  risk: Risk;
  /** Why the check matters (for README, Markdown reports, SARIF rule help). */
  why: string;
  /** How to fix a failing result. */
  fix: string;
  /** The probes it reads, in the order findings are listed. */
  probes: readonly ProbeId[];
  /** Where its facts come from; `api` checks are not-available on local checkouts. */
  needs: readonly ('files' | 'git' | 'api')[];
}

export type RepoCheckDefinition = CheckDefinition<CheckId, RepoProbeId>;
export type OrgCheckDefinition = CheckDefinition<OrgCheckId, OrgProbeId>;

export const REPO_CHECKS: Readonly<Record<CheckId, RepoCheckDefinition>> = {
  'dependency-update-tool': {
    id: 'dependency-update-tool',
    title: 'Dependency updates cover every ecosystem',
    risk: 'high',
    why: 'Dependabot or Renovate only updates the ecosystems it is told about; a config for GitHub Actions alone leaves the packages users install to rot.',
    fix: 'Add .github/dependabot.yml (or a Renovate config) with an entry for each ecosystem the repository uses; turn on Dependabot alerts; merge or close the update pull requests.',
    probes: ['hasDependabotConfig', 'hasRenovateConfig', 'dependencyUpdateCoversEcosystems', 'hasDependabotAlerts', 'dependencyUpdatesGetMerged'],
    needs: ['files', 'api'],
  },
  'security-policy': {
    id: 'security-policy',
    title: 'Security policy says how to report',
    risk: 'medium',
    why: 'Reporters need a private way to reach maintainers; without SECURITY.md vulnerabilities are reported in public issues.',
    fix: "Add SECURITY.md (root, .github/ or docs/) or one in the org's `.github` repository, naming a private reporting channel.",
    probes: ['hasSecurityPolicy', 'inheritsOrgSecurityPolicy', 'securityPolicyExplainsReporting'],
    needs: ['files', 'api'],
  },
  'private-vulnerability-reporting': {
    id: 'private-vulnerability-reporting',
    title: 'Private vulnerability reporting',
    risk: 'medium',
    why: 'Lets anyone report a vulnerability privately on GitHub and turns the report into a draft advisory.',
    fix: 'Settings → Code security → Private vulnerability reporting → Enable (or for all repositories at the org level).',
    probes: ['hasPrivateVulnerabilityReporting'],
    needs: ['api'],
  },
  'pinned-actions': {
    id: 'pinned-actions',
    title: 'Actions pinned to commit SHAs',
    risk: 'medium',
    why: 'A tag can be moved to malicious code (as happened to tj-actions/changed-files); a full commit SHA cannot.',
    fix: 'Pin every non-local `uses:` to a full commit SHA with the tag as a comment (`chainwatch fix pinned-actions`); Dependabot keeps the pins current.',
    probes: ['thirdPartyActionsPinnedBySha', 'dockerImagesPinnedByDigest', 'githubOwnedActionsPinnedBySha'],
    needs: ['files'],
  },
  'token-permissions': {
    id: 'token-permissions',
    title: 'Minimal GITHUB_TOKEN permissions',
    risk: 'high',
    why: 'Every job gets a GITHUB_TOKEN; a write token in a job that runs third-party code lets that code push, release or comment as the repository.',
    fix: 'Declare `permissions: {}` or `contents: read` at the top of each workflow and grant write scopes only on the jobs that use them.',
    probes: ['workflowsDeclareTopLevelPermissions', 'topLevelPermissionsReadOnly', 'writePermissionsOnlyOnJobsThatNeedThem'],
    needs: ['files'],
  },
  'dangerous-workflow': {
    id: 'dangerous-workflow',
    title: 'No dangerous workflow patterns',
    risk: 'critical',
    why: 'A privileged trigger that checks out a fork, or a script that pastes in an issue title, lets outsiders run code with the repository token and secrets.',
    fix: 'Build untrusted code under `pull_request`; never check out the head in `pull_request_target`/`workflow_run`; pass untrusted text through `env:`.',
    probes: ['hasDangerousTrigger', 'expandsUntrustedInputInRun'],
    needs: ['files'],
  },
  'trusted-publishing': {
    id: 'trusted-publishing',
    title: 'Trusted publishing to PyPI and npm',
    risk: 'high',
    why: 'A stored registry token can publish a malicious release from anywhere if it leaks; trusted publishing (OIDC) has no token to steal.',
    fix: 'Configure a trusted publisher on PyPI/npm, give the publishing job `id-token: write`, drop password/token inputs and delete the secret.',
    probes: ['publishesToPypi', 'publishesToNpm', 'usesTrustedPublishing', 'usesLongLivedRegistryToken'],
    needs: ['files'],
  },
  'branch-protection': {
    id: 'branch-protection',
    title: 'Default branch protected',
    risk: 'high',
    why: 'An unprotected default branch lets one account (or one stolen token) change what gets released.',
    fix: 'Add a ruleset on the default branch: require a pull request with an approval, block force pushes and deletion.',
    probes: ['hasBranchProtection', 'branchProtectionRequiresReview', 'branchProtectionBlocksForcePush'],
    needs: ['api'],
  },
  maintained: {
    id: 'maintained',
    title: 'Maintained (or finished, not abandoned)',
    risk: 'high',
    why: 'Someone has to be there to fix the next vulnerability; a finished project with releases and no open advisories is fine, an abandoned one is not.',
    fix: 'Keep committing and releasing; if the project is done, say so and keep advisories at zero; if it is abandoned, archive it and point users elsewhere.',
    probes: ['isArchived', 'hasRecentCommits', 'hasRecentRelease', 'hasReleases', 'hasOpenAdvisories'],
    needs: ['git', 'api'],
  },
  'best-practices-badge': {
    id: 'best-practices-badge',
    title: 'OpenSSF Best Practices badge',
    risk: 'low',
    why: 'The badge records that the project meets a published list of security practices.',
    fix: 'Register at the OpenSSF Best Practices site and complete the passing level.',
    probes: ['hasBestPracticesBadge'],
    needs: ['api'],
  },
};

export const ORG_CHECKS: Readonly<Record<OrgCheckId, OrgCheckDefinition>> = {
  'org-two-factor': {
    id: 'org-two-factor',
    title: 'Two-factor authentication required',
    risk: 'critical',
    why: 'Without it a phished password is enough to take over a maintainer account.',
    fix: 'Org settings → Authentication security → Require two-factor authentication.',
    probes: ['requiresTwoFactor'],
    needs: ['api'],
  },
  'org-workflow-permissions': {
    id: 'org-workflow-permissions',
    title: 'Read-only default workflow token',
    risk: 'high',
    why: 'Workflows that declare no permissions get the org default; read-only makes that omission harmless.',
    fix: 'Org settings → Actions → General → Workflow permissions → read-only.',
    probes: ['defaultWorkflowPermissionsReadOnly'],
    needs: ['api'],
  },
  'org-inactive-members': {
    id: 'org-inactive-members',
    title: 'No inactive owners or members',
    risk: 'medium',
    why: 'Idle accounts with access are takeover targets nobody is watching.',
    fix: 'Remove idle owners first, then idle members (or move them to read-only teams).',
    probes: ['hasInactiveAdmins', 'hasInactiveMembers'],
    needs: ['api'],
  },
  'org-outside-collaborators': {
    id: 'org-outside-collaborators',
    title: 'Outside collaborators reviewed',
    risk: 'low',
    why: 'Outside collaborators bypass org membership rules such as required 2FA.',
    fix: 'Review each one: make regular contributors members, remove the rest.',
    probes: ['hasOutsideCollaborators'],
    needs: ['api'],
  },
};

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
  const probes = repoProbeRunner(facts, contextOf(options));
  const selected = CHECK_IDS.filter((id) => !options.checks || options.checks.includes(id));
  return { repo: facts.repo, checks: selected.map((id) => REPO_EVALUATORS[id](probes, contextOf(options))) };
}

export function evaluateRepoCheck(id: CheckId, facts: RepoFacts, options: EvaluationOptions): CheckResult {
  const context = contextOf(options);
  return REPO_EVALUATORS[id](repoProbeRunner(facts, context), context);
}

/** Every org check (or the selected ones), in ORG_CHECK_IDS order. */
export function evaluateOrg(facts: OrgFacts, options: EvaluationOptions): OrgPosture {
  const context = contextOf(options);
  const probes = orgProbeRunner(facts, context);
  const selected = ORG_CHECK_IDS.filter((id) => !options.checks || options.checks.includes(id));
  return { org: facts.org, checks: selected.map((id) => ORG_EVALUATORS[id](probes)) };
}

export function evaluateOrgCheck(id: OrgCheckId, facts: OrgFacts, options: EvaluationOptions): CheckResult {
  const context = contextOf(options);
  return ORG_EVALUATORS[id](orgProbeRunner(facts, context));
}

/**
 * A 0–10 score over the checks that have an outcome to score: each check's
 * risk weight times what its outcome earns. Waived results are left out (the
 * risk was accepted), as are not-available, not-applicable and error.
 */
export function postureScore(checks: readonly CheckResult[]): { score: number | null; scored: number } {
  let earned = 0;
  let possible = 0;
  let scored = 0;
  for (const check of checks) {
    const value = OUTCOME_SCORES[check.outcome];
    if (value === null || check.waiver) continue;
    const weight = RISK_WEIGHTS[riskOf(check.id)];
    earned += weight * value;
    possible += weight;
    scored++;
  }
  return { score: possible === 0 ? null : Math.round((earned / possible) * 100) / 10, scored };
}

export function riskOf(id: CheckId | OrgCheckId): Risk {
  return (REPO_CHECKS as Record<string, RepoCheckDefinition>)[id]?.risk ?? (ORG_CHECKS as Record<string, OrgCheckDefinition>)[id]!.risk;
}

// ---------------------------------------------------------------------------

type Probes<Id extends string> = (id: Id) => ProbeAnswer;

function repoProbeRunner(facts: RepoFacts, context: ProbeContext): Probes<RepoProbeId> {
  const answers = new Map<RepoProbeId, ProbeAnswer>();
  return (id) => {
    let found = answers.get(id);
    if (!found) answers.set(id, (found = REPO_PROBES[id].run(facts, context)));
    return found;
  };
}

function orgProbeRunner(facts: OrgFacts, context: ProbeContext): Probes<OrgProbeId> {
  const answers = new Map<OrgProbeId, ProbeAnswer>();
  return (id) => {
    let found = answers.get(id);
    if (!found) answers.set(id, (found = ORG_PROBES[id].run(facts, context)));
    return found;
  };
}

function result(id: CheckId | OrgCheckId, outcome: CheckOutcome, summary: string, findings: Finding[] = []): CheckResult {
  return { id, outcome, summary, findings: uniqueFindings(findings) };
}

/** The same unreadable workflow is reported by several probes: list it once. */
function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.file ?? ''}:${finding.line ?? ''}:${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function strings(answer: ProbeAnswer, key: string): string[] {
  const value = answer.evidence[key];
  return Array.isArray(value) ? [...(value as readonly string[])] : [];
}

function numberOf(answer: ProbeAnswer, key: string): number | null {
  const value = answer.evidence[key];
  return typeof value === 'number' ? value : null;
}

function reasonOf(answer: ProbeAnswer): string {
  return answer.findings[0]?.message ?? 'the facts are not available';
}

function errorsOf(...answers: ProbeAnswer[]): ProbeAnswer | undefined {
  return answers.find((answer) => answer.outcome === 'error');
}

type RepoEvaluator = (probe: Probes<RepoProbeId>, context: ProbeContext) => CheckResult;

const REPO_EVALUATORS: Readonly<Record<CheckId, RepoEvaluator>> = {
  'dependency-update-tool'(probe) {
    const id = 'dependency-update-tool';
    const dependabot = probe('hasDependabotConfig');
    const renovate = probe('hasRenovateConfig');
    const coverage = probe('dependencyUpdateCoversEcosystems');
    const untooled = strings(coverage, 'withoutUpdateTool');
    const untooledNote = untooled.length > 0 ? ` (${list(untooled)} has no update tool chainwatch knows of)` : '';
    if (coverage.outcome === 'not-available') return result(id, 'not-available', `Cannot tell which ecosystems the repository uses: ${reasonOf(coverage)}.`);
    if (coverage.outcome === 'not-applicable') return result(id, 'not-applicable', `The repository uses no ecosystem Dependabot or Renovate can update${untooledNote}.`);
    const tools = [dependabot.outcome === 'true' ? 'Dependabot' : null, renovate.outcome === 'true' ? 'Renovate' : null].filter((tool): tool is string => tool !== null);
    const used = strings(coverage, 'used');
    if (tools.length === 0) {
      if (dependabot.outcome === 'error') return result(id, 'error', 'The Dependabot config cannot be read.', dependabot.findings);
      return result(id, 'fail', `No Dependabot or Renovate config; the repository uses ${list(used)}.`, [
        ...renovate.findings,
        { file: '.github/dependabot.yml', message: `no dependency-update config for ${list(used)}`, fix: REPO_CHECKS[id].fix },
      ]);
    }
    if (coverage.outcome === 'error') return result(id, 'error', 'The dependency-update config cannot be read.', coverage.findings);
    const tool = list(tools);
    if (coverage.outcome === 'false') {
      const missing = strings(coverage, 'missing');
      const covered = strings(coverage, 'covered');
      const summary = covered.length > 0 ? `${tool} covers ${list(covered)} but not ${list(missing)}` : `${tool} covers none of the ecosystems the repository uses (${list(missing)})`;
      return result(id, 'partial', `${summary}${untooledNote}.`, coverage.findings);
    }
    const alerts = probe('hasDependabotAlerts');
    const merged = probe('dependencyUpdatesGetMerged');
    const weak = [alerts, merged].filter((answer) => answer.outcome === 'false');
    if (weak.length > 0) {
      const what = [alerts.outcome === 'false' ? 'Dependabot alerts are off' : null, merged.outcome === 'false' ? 'its pull requests go stale' : null].filter(Boolean);
      return result(id, 'partial', `${tool} covers ${list(used)}, but ${list(what as string[])}.`, weak.flatMap((answer) => answer.findings));
    }
    return result(id, 'pass', `${tool} covers every ecosystem the repository uses: ${list(used)}${untooledNote}.`);
  },

  'security-policy'(probe) {
    const id = 'security-policy';
    const own = probe('hasSecurityPolicy');
    const inherited = probe('inheritsOrgSecurityPolicy');
    const reporting = probe('securityPolicyExplainsReporting');
    const path = String(reporting.evidence.path ?? own.evidence.path ?? 'SECURITY.md');
    if (own.outcome === 'true') {
      if (reporting.outcome === 'true') return result(id, 'pass', `${path} says how to report a vulnerability.`);
      return result(id, 'partial', `${path} exists but does not say how to report a vulnerability.`, reporting.findings);
    }
    if (inherited.outcome === 'not-available') {
      return result(id, 'not-available', `No SECURITY.md in the repository; whether the org's .github repository provides one is unknown (${reasonOf(inherited)}).`);
    }
    if (inherited.outcome === 'false') return result(id, 'fail', "No SECURITY.md in the repository or in the org's .github repository.", [...own.findings, ...inherited.findings]);
    if (reporting.outcome === 'true') return result(id, 'pass', `Inherits the org's ${path}, which says how to report a vulnerability.`);
    return result(id, 'partial', `Inherits the org's ${path}, which does not say how to report a vulnerability.`, reporting.findings);
  },

  'private-vulnerability-reporting'(probe) {
    const id = 'private-vulnerability-reporting';
    const answer = probe('hasPrivateVulnerabilityReporting');
    if (answer.outcome === 'not-available') return result(id, 'not-available', `Private vulnerability reporting is unknown: ${reasonOf(answer)}.`);
    if (answer.outcome === 'true') return result(id, 'pass', 'Private vulnerability reporting is on.');
    return result(id, 'fail', 'Private vulnerability reporting is off.', answer.findings);
  },

  'pinned-actions'(probe) {
    const id = 'pinned-actions';
    const thirdParty = probe('thirdPartyActionsPinnedBySha');
    const docker = probe('dockerImagesPinnedByDigest');
    const github = probe('githubOwnedActionsPinnedBySha');
    const all = [thirdParty, docker, github];
    const count = (answer: ProbeAnswer) => `${numberOf(answer, 'unpinned') ?? 0} of ${numberOf(answer, 'total') ?? 0}`;
    if (thirdParty.outcome === 'false' || docker.outcome === 'false') {
      const parts = [
        thirdParty.outcome === 'false' ? `${count(thirdParty)} third-party action references are not pinned to a commit SHA` : null,
        docker.outcome === 'false' ? `${count(docker)} docker images are not pinned by digest` : null,
        github.outcome === 'false' ? `${count(github)} GitHub-owned ones are not pinned either` : null,
      ].filter((part): part is string => part !== null);
      return result(id, 'fail', `${upperFirst(list(parts))}.`, all.flatMap((answer) => answer.findings));
    }
    if (github.outcome === 'false') {
      return result(id, 'partial', `Third-party actions are pinned, but ${count(github)} GitHub-owned action references are not pinned to a commit SHA.`, github.findings);
    }
    const error = errorsOf(...all);
    if (error) return result(id, 'error', 'A workflow cannot be read, so pinning cannot be confirmed.', error.findings);
    if (all.every((answer) => answer.outcome === 'not-applicable')) return result(id, 'not-applicable', 'No workflow uses an action from another repository.');
    const total = all.reduce((sum, answer) => sum + (numberOf(answer, 'total') ?? 0), 0);
    return result(id, 'pass', `All ${total} action references are pinned to full commit SHAs.`);
  },

  'token-permissions'(probe) {
    const id = 'token-permissions';
    const declared = probe('workflowsDeclareTopLevelPermissions');
    const readOnly = probe('topLevelPermissionsReadOnly');
    const jobs = probe('writePermissionsOnlyOnJobsThatNeedThem');
    if (declared.outcome === 'not-applicable') return result(id, 'not-applicable', 'The repository has no workflows.');
    if (declared.outcome === 'false' || readOnly.outcome === 'false') {
      const undeclared = strings(declared, 'undeclared').length;
      const writable = strings(readOnly, 'writable').length;
      const total = numberOf(declared, 'workflows') ?? 0;
      const parts = [
        undeclared > 0 ? `${undeclared} of ${total} workflows declare no top-level permissions` : null,
        writable > 0 ? `${writable}${undeclared > 0 ? '' : ` of ${total} workflows`} grant write scopes at the top level` : null,
      ].filter((part): part is string => part !== null);
      return result(id, 'fail', `${upperFirst(list(parts))}.`, [...declared.findings, ...readOnly.findings, ...jobs.findings]);
    }
    const error = errorsOf(declared, readOnly, jobs);
    if (error) return result(id, 'error', 'A workflow cannot be read, so its permissions cannot be confirmed.', error.findings);
    if (jobs.outcome === 'false') {
      return result(id, 'partial', `Top-level permissions are read-only, but ${numberOf(jobs, 'unneeded')} job write scope(s) are not used by their jobs.`, jobs.findings);
    }
    return result(id, 'pass', 'Every workflow declares read-only top-level permissions; write scopes sit on the jobs that use them.');
  },

  'dangerous-workflow'(probe) {
    const id = 'dangerous-workflow';
    const trigger = probe('hasDangerousTrigger');
    const injection = probe('expandsUntrustedInputInRun');
    if (trigger.outcome === 'true' || injection.outcome === 'true') {
      const parts = [
        trigger.outcome === 'true' ? 'a pull_request_target/workflow_run workflow checks out the untrusted head' : null,
        injection.outcome === 'true' ? 'a script expands attacker-controlled input' : null,
      ].filter((part): part is string => part !== null);
      return result(id, 'fail', `${upperFirst(list(parts))}.`, [...trigger.findings, ...injection.findings].filter((finding) => !finding.message.startsWith('cannot read')));
    }
    const error = errorsOf(trigger, injection);
    if (error) return result(id, 'error', 'A workflow cannot be read, so it cannot be cleared.', error.findings);
    if (trigger.outcome === 'not-applicable' && injection.outcome === 'not-applicable') return result(id, 'not-applicable', 'The repository has no workflows.');
    const privileged = strings(trigger, 'privilegedWorkflows').length;
    return result(
      id,
      'pass',
      privileged > 0
        ? `${privileged} workflow(s) use pull_request_target/workflow_run without touching untrusted code; no script expands untrusted input.`
        : 'No privileged trigger checks out untrusted code; no script expands untrusted input.',
    );
  },

  'trusted-publishing'(probe) {
    const id = 'trusted-publishing';
    const pypi = probe('publishesToPypi');
    const npm = probe('publishesToNpm');
    const trusted = probe('usesTrustedPublishing');
    const token = probe('usesLongLivedRegistryToken');
    const registries = [pypi.outcome === 'true' ? 'PyPI' : null, npm.outcome === 'true' ? 'npm' : null].filter((item): item is string => item !== null);
    const secrets = strings(token, 'secrets');
    if (token.outcome === 'true') {
      if (trusted.outcome === 'true') {
        return result(id, 'partial', `Publishes to ${list(registries)} with OIDC/provenance, but a long-lived registry token (${list(secrets)}) is still stored.`, token.findings);
      }
      const trustedRegistries = strings(trusted, 'trusted').map(registryName);
      const note = trustedRegistries.length > 0 ? ` (${list(trustedRegistries)} already uses trusted publishing)` : '';
      const where = registries.length > 0 ? `Publishes to ${list(registries)} with` : 'Workflows hold';
      return result(id, 'fail', `${where} a long-lived registry token (${list(secrets)})${note}.`, [...trusted.findings, ...token.findings]);
    }
    if (registries.length === 0) {
      const error = errorsOf(pypi, npm);
      if (error) return result(id, 'error', 'A workflow cannot be read, so publishing cannot be ruled out.', error.findings);
      return result(id, 'not-applicable', 'No workflow publishes to PyPI or npm.');
    }
    if (trusted.outcome === 'true') return result(id, 'pass', `Publishes to ${list(registries)} with trusted publishing (id-token: write, no stored token).`);
    return result(id, 'fail', `Publishes to ${list(registries)} without trusted publishing.`, trusted.findings);
  },

  'branch-protection'(probe) {
    const id = 'branch-protection';
    const protection = probe('hasBranchProtection');
    if (protection.outcome === 'not-available') return result(id, 'not-available', `Branch protection is unknown: ${reasonOf(protection)}.`);
    const branch = String(protection.evidence.branch ?? 'the default branch');
    if (protection.outcome === 'false') return result(id, 'fail', `${branch} is not protected.`, protection.findings);
    const review = probe('branchProtectionRequiresReview');
    const force = probe('branchProtectionBlocksForcePush');
    const weak = [review, force].filter((answer) => answer.outcome === 'false');
    if (weak.length > 0) {
      const what = [review.outcome === 'false' ? 'merges need no review' : null, force.outcome === 'false' ? 'force pushes are allowed' : null].filter((part): part is string => part !== null);
      return result(id, 'partial', `${branch} is protected, but ${list(what)}.`, weak.flatMap((answer) => answer.findings));
    }
    return result(id, 'pass', `${branch} is protected: reviews required, force pushes blocked.`);
  },

  maintained(probe, context) {
    const id = 'maintained';
    const archived = probe('isArchived');
    if (archived.outcome === 'true') return result(id, 'fail', 'The repository is archived.', archived.findings);
    const commits = probe('hasRecentCommits');
    const release = probe('hasRecentRelease');
    if (commits.outcome === 'not-available' && release.outcome === 'not-available') {
      return result(id, 'not-available', `Commit and release history is unknown: ${reasonOf(commits)}.`);
    }
    if (commits.outcome === 'false' && commits.evidence.lastCommit === null) return result(id, 'fail', 'The repository has no commits.', commits.findings);
    if (commits.outcome === 'true') {
      return result(id, 'pass', `Active: ${numberOf(commits, 'commitsInWindow')} commit(s) in the last ${context.settings.recentCommitDays} days (last ${String(commits.evidence.lastCommit).slice(0, 10)}).`);
    }
    const days = [numberOf(commits, 'daysSinceLastCommit'), numberOf(release, 'daysSinceLastRelease')].filter((value): value is number => value !== null);
    const lastActivity = days.reduce<number | null>((least, day) => (least === null || day < least ? day : least), null);
    if (lastActivity !== null && lastActivity <= context.settings.inactiveAfterDays) {
      return result(id, 'partial', `No commit in the last ${context.settings.recentCommitDays} days; last activity ${lastActivity} days ago.`, commits.findings);
    }
    const releases = probe('hasReleases');
    const advisories = probe('hasOpenAdvisories');
    const idle = lastActivity === null ? 'No commits or releases' : `No commit or release for ${lastActivity} days`;
    if (releases.outcome === 'true' && advisories.outcome === 'false') {
      return result(id, 'pass', `Finished: ${idle.toLowerCase()}, but it has releases and no open security advisories.`);
    }
    const why =
      advisories.outcome === 'true'
        ? `${numberOf(advisories, 'open')} open security advisories`
        : releases.outcome === 'false'
          ? 'no releases'
          : 'open security advisories are unknown, so it cannot be told apart from finished';
    return result(id, 'fail', `Abandoned: ${idle.toLowerCase()}; ${why}.`, [...commits.findings, ...release.findings, ...advisories.findings]);
  },

  'best-practices-badge'(probe) {
    const id = 'best-practices-badge';
    const badge = probe('hasBestPracticesBadge');
    if (badge.outcome === 'not-available') return result(id, 'not-available', `The OpenSSF Best Practices level is unknown: ${reasonOf(badge)}.`);
    const level = String(badge.evidence.level);
    if (badge.outcome === 'true') return result(id, 'pass', `OpenSSF Best Practices badge: ${level}.`);
    if (level === 'in_progress') return result(id, 'partial', 'The OpenSSF Best Practices badge is in progress.', badge.findings);
    return result(id, 'fail', 'No OpenSSF Best Practices badge.', badge.findings);
  },
};

type OrgEvaluator = (probe: Probes<OrgProbeId>) => CheckResult;

const ORG_EVALUATORS: Readonly<Record<OrgCheckId, OrgEvaluator>> = {
  'org-two-factor'(probe) {
    const id = 'org-two-factor';
    const answer = probe('requiresTwoFactor');
    if (answer.outcome === 'not-available') return result(id, 'not-available', `Whether 2FA is required is unknown: ${reasonOf(answer)}.`);
    if (answer.outcome === 'true') return result(id, 'pass', 'Two-factor authentication is required.');
    return result(id, 'fail', 'Two-factor authentication is not required.', answer.findings);
  },
  'org-workflow-permissions'(probe) {
    const id = 'org-workflow-permissions';
    const answer = probe('defaultWorkflowPermissionsReadOnly');
    if (answer.outcome === 'not-available') return result(id, 'not-available', `The default workflow permissions are unknown: ${reasonOf(answer)}.`);
    if (answer.outcome === 'true') return result(id, 'pass', 'Workflows get a read-only GITHUB_TOKEN by default.');
    return result(id, 'fail', 'Workflows get a read-write GITHUB_TOKEN by default.', answer.findings);
  },
  'org-inactive-members'(probe) {
    const id = 'org-inactive-members';
    const admins = probe('hasInactiveAdmins');
    const members = probe('hasInactiveMembers');
    if (admins.outcome === 'true') {
      return result(id, 'fail', `${numberOf(admins, 'inactive')} owner(s) have been inactive for over ${numberOf(admins, 'window')} days.`, [...admins.findings, ...members.findings]);
    }
    if (members.outcome === 'true') return result(id, 'partial', `${numberOf(members, 'inactive')} member(s) have been inactive for over ${numberOf(members, 'window')} days.`, members.findings);
    if (admins.outcome === 'false' || members.outcome === 'false') return result(id, 'pass', 'No owner or member is inactive.');
    if (admins.outcome === 'not-applicable' && members.outcome === 'not-applicable') return result(id, 'not-applicable', 'The org has no members.');
    return result(id, 'not-available', `Member activity is unknown: ${reasonOf(admins.outcome === 'not-available' ? admins : members)}.`);
  },
  'org-outside-collaborators'(probe) {
    const id = 'org-outside-collaborators';
    const answer = probe('hasOutsideCollaborators');
    if (answer.outcome === 'not-available') return result(id, 'not-available', `Outside collaborators are unknown: ${reasonOf(answer)}.`);
    if (answer.outcome === 'false') return result(id, 'pass', 'No outside collaborators.');
    return result(id, 'partial', `${strings(answer, 'collaborators').length} outside collaborator(s) to review.`, answer.findings);
  },
};

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function registryName(registry: string): string {
  return registry === 'pypi' ? 'PyPI' : registry;
}
