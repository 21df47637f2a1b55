/**
 * Org posture in three layers (STYLE rule 6, after OpenSSF Scorecard):
 *   collect/  raw facts from the GitHub API or a local checkout — I/O only;
 *   probes/   pure functions over facts, named as yes/no questions;
 *   checks/   which probes make a check, and the only place outcomes and weights are decided.
 * "Could not tell" is never scored as bad: a fact the source cannot give is `not-available`.
 */

import type { Knowable } from '../core/known.js';

/** A fact the collector could or could not obtain: core's one known-or-unknown shape (known(), unknown(reason)). */
export type Fact<T> = Knowable<T>;

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
  /**
   * The newest release on its registry of each package the repository
   * publishes (package-releases.ts says which). Neither collector knows it:
   * the pipeline asks the registries when the front end wires them, and
   * leaves it absent otherwise (then unknown: "not looked up").
   */
  packageReleases?: Fact<PackageReleaseFact[]>;
}

/** The registries whose release dates the posture run can ask. */
export type ReleaseRegistry = 'PyPI' | 'npm';

/** One package a repository publishes, and its newest release as the registry tells it. */
export interface PackageReleaseFact {
  ecosystem: ReleaseRegistry;
  /** The name as the registry knows it (PyPI names normalised). */
  name: string;
  /** Why it is taken to be the repository's: the manifest that declares it (`python/ipywidgets/pyproject.toml`), or `config` (chainwatch.yaml's packages). */
  declaredIn: string;
  /** The newest release (ISO date of its upload/publish); known null when the registry has no release of it. */
  newest: Fact<{ version: string; date: string } | null>;
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
export interface PostureFinding {
  /** Repository-relative file, when the finding is in a file. */
  file?: string;
  line?: number;
  message: string;
  fix?: string;
  /** The action the finding is about (`owner/repo` or `owner/repo/path`, lower case, without `@ref`), for waivers that name actions. */
  action?: string;
  /** The package the finding is about (a docker image, a published package), for waivers that name packages. */
  package?: string;
}

export interface ProbeResult {
  probe: string;
  outcome: ProbeOutcome;
  findings: PostureFinding[];
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
  findings: PostureFinding[];
  /**
   * Set when the check is waived: a waiver of the whole check, or waivers
   * that together cover every finding (then the one that expires first). The
   * outcome is kept and shown as waived with the reason.
   */
  waiver?: WaiverNote;
  /**
   * Findings a waiver that names a file, an action or a package covers, each
   * with that waiver; they are no longer in `findings`. Absent when none.
   */
  waivedFindings?: WaivedFinding[];
  /**
   * `maintained` only: whether the repository is archived, null when that
   * could not be asked (a local checkout: only the forge knows). Absent from
   * other checks and from results saved before it existed.
   */
  archived?: boolean | null;
}

/** What names the findings a waiver covers; none of them: the whole check. */
export interface FindingSelector {
  /** A repository-relative path or glob (`.github/workflows/*.yml`). */
  file?: string;
  /** An action pattern: `owner/repo`, `owner/repo/*` (the repository and every action in it), `owner/*`. */
  action?: string;
  /** A package name or glob (`@jupyterlab/*`, a docker image). */
  package?: string;
}

/** A waiver as reports show it. */
export interface WaiverNote extends FindingSelector {
  reason: string;
  approvedBy: string;
  expires: string;
}

export interface WaivedFinding extends PostureFinding {
  waiver: WaiverNote;
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
  expiredWaivers: ({ repo: string; check: string; expires: string; reason: string } & FindingSelector)[];
  sources: { name: string; reachable: boolean; error?: string }[];
}
