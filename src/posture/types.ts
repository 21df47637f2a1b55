/**
 * Org posture in three layers (STYLE rule 6, after OpenSSF Scorecard):
 *   collect/  raw facts from the GitHub API or a local checkout — I/O only;
 *   probes/   pure functions over facts, named as yes/no questions;
 *   checks/   which probes make a check, and the only place outcomes and weights are decided.
 * "Could not tell" is never scored as bad: a fact the source cannot give is `not-available`.
 */

/** A fact the collector could or could not obtain. */
export type Fact<T> = { available: true; value: T } | { available: false; reason: string };

export function known<T>(value: T): Fact<T> {
  return { available: true, value };
}

export function unavailable<T = never>(reason: string): Fact<T> {
  return { available: false, reason };
}

const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;

/** `owner/name` as GitHub allows it. */
export function isRepositoryName(value: string): boolean {
  return REPOSITORY_NAME.test(value);
}

export interface RepoFile {
  /** Repository-relative path, `/`-separated. */
  path: string;
  text: string;
}

export interface CommitFact {
  sha: string;
  /** ISO date. */
  date: string;
  author: string;
  verified?: boolean;
}

export interface ReleaseFact {
  tag: string;
  /** ISO date. */
  date: string;
}

export interface BranchProtectionFact {
  branch: string;
  /** Classic branch protection, or null when none. */
  classic: {
    requiredReviews: number;
    dismissStaleReviews: boolean;
    requireCodeOwnerReviews: boolean;
    requiredStatusChecks: boolean;
    enforceAdmins: boolean;
    allowForcePushes: boolean;
    allowDeletions: boolean;
  } | null;
  /** Rulesets that target the default branch. */
  rulesets: { name: string; enforcement: 'active' | 'evaluate' | 'disabled'; rules: string[] }[];
}

/** A pull request as the source gives it: raw dates, no judgement (which authors are update bots, and when an open one is stale, is the probes' to decide). */
export interface PullRequestFact {
  /** The author's GitHub login (`dependabot`, `renovate`...); '' when GitHub names none (a deleted account). */
  author: string;
  state: 'open' | 'closed' | 'merged';
  /** ISO date opened. */
  createdAt: string;
  /** ISO date merged, when it was. */
  mergedAt?: string;
}

/** Everything known about one repository, from whichever source. */
export interface RepoFacts {
  /** `owner/name`. */
  repo: string;
  source: 'api' | 'local';
  defaultBranch: Fact<string>;
  archived: Fact<boolean>;
  /** No commits at all. */
  empty: Fact<boolean>;
  fork: Fact<boolean>;
  /** Every path in the default branch's tree (for detecting ecosystems), `/`-separated. */
  paths: Fact<string[]>;
  /**
   * The posture files with their text, by path, as collect/posture-files.ts
   * chooses them for every source: `.github/workflows/*.y(a)ml`, `action.yml`,
   * `.github/dependabot.y(a)ml`, Renovate configs in all their locations,
   * SECURITY.md (root, `.github/`, `docs/`), manifests (package.json,
   * pyproject.toml...), Dockerfiles and compose files.
   */
  files: RepoFile[];
  /** SECURITY.md inherited from the org's `.github` repository, when the repo has none. */
  orgSecurityPolicy: Fact<RepoFile | null>;
  privateVulnerabilityReporting: Fact<boolean>;
  dependabotAlerts: Fact<boolean>;
  /** The newest pull requests of every author, newest first. */
  pullRequests: Fact<PullRequestFact[]>;
  branchProtection: Fact<BranchProtectionFact>;
  /** Newest first. */
  commits: Fact<CommitFact[]>;
  /** Newest first. */
  releases: Fact<ReleaseFact[]>;
  /** Open security advisories of the repo (GHSA repository advisories / Dependabot), for telling "finished" from "abandoned". */
  openAdvisories: Fact<number>;
  /** OpenSSF Best Practices badge level. */
  bestPracticesBadge: Fact<BestPracticesLevel>;
  /** Repository secrets' names (never values), to spot long-lived registry tokens. */
  secretNames: Fact<string[]>;
}

export type BestPracticesLevel = 'none' | 'in_progress' | 'passing' | 'silver' | 'gold';

export interface MemberFact {
  login: string;
  role: 'admin' | 'member';
  /** ISO date of the last activity the source could see. */
  lastActivity: Fact<string>;
}

export interface OrgFacts {
  org: string;
  twoFactorRequired: Fact<boolean>;
  /** Default GITHUB_TOKEN permission for workflows in the org. */
  defaultWorkflowPermissions: Fact<'read' | 'write'>;
  members: Fact<MemberFact[]>;
  outsideCollaborators: Fact<string[]>;
}

/** A probe's answer to its yes/no question. */
export type ProbeOutcome = 'true' | 'false' | 'not-available' | 'not-applicable' | 'error';

/** Something specific and fixable: where it is, what is wrong, how to fix it. */
export interface Finding {
  /** Repository-relative file, when the finding is in a file. */
  file?: string;
  line?: number;
  message: string;
  fix?: string;
}

export interface ProbeResult {
  probe: string;
  outcome: ProbeOutcome;
  findings: Finding[];
}

export const CHECK_IDS = [
  'dependency-update-tool',
  'security-policy',
  'private-vulnerability-reporting',
  'pinned-actions',
  'token-permissions',
  'dangerous-workflow',
  'trusted-publishing',
  'branch-protection',
  'maintained',
  'best-practices-badge',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const ORG_CHECK_IDS = ['org-two-factor', 'org-workflow-permissions', 'org-inactive-members', 'org-outside-collaborators'] as const;
export type OrgCheckId = (typeof ORG_CHECK_IDS)[number];

export type CheckOutcome = 'pass' | 'partial' | 'fail' | 'not-available' | 'not-applicable' | 'error';

export interface CheckResult {
  id: CheckId | OrgCheckId;
  outcome: CheckOutcome;
  /** One sentence: why this outcome. */
  summary: string;
  findings: Finding[];
  /** Set when a waiver applies: the outcome is shown as waived with its reason. */
  waiver?: { reason: string; approvedBy: string; expires: string };
}

export interface RepoPosture {
  repo: string;
  checks: CheckResult[];
}

export interface OrgPosture {
  org: string;
  checks: CheckResult[];
}

export interface PostureReport {
  repos: RepoPosture[];
  orgs: OrgPosture[];
  /** Waivers whose date has passed: reported, not applied. */
  expiredWaivers: { repo: string; check: string; expires: string; reason: string }[];
  sources: { name: string; reachable: boolean; error?: string }[];
}
