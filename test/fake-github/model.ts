/**
 * What the fake GitHub server holds: organisations and repositories as plain
 * data. REST and GraphQL answers are both drawn from these objects, so a test
 * can compare what a collector returns with what the fake holds.
 */
import { createHash } from 'node:crypto';

export interface FakeFile {
  path: string;
  /** Text content; `null` for a path listed in the tree whose content is never served as text (binary). */
  text: string | null;
  /** Git blob id: sha1 of `blob <size>\0<content>`, as git computes it. */
  oid: string;
  /** Size in bytes. */
  size: number;
}

export interface FakeCommit {
  sha: string;
  /** ISO date (any offset; served as UTC). */
  date: string;
  /** Git author name. */
  author: string;
  /** GitHub login of the author, when the fake links one. */
  login?: string;
  /** Whether GitHub shows the signature as valid. */
  verified: boolean;
}

export interface FakeRelease {
  tag: string;
  /** ISO date. */
  date: string;
  draft?: boolean;
}

export interface FakeAlert {
  number: number;
  ecosystem: string;
  packageName: string;
  manifestPath: string;
  ghsaId: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  summary: string;
  createdAt: string;
}

export interface FakePullRequest {
  number: number;
  /** GraphQL login (`dependabot`, `renovate`, a user). */
  author: string;
  state: 'OPEN' | 'MERGED' | 'CLOSED';
  createdAt: string;
  mergedAt?: string;
  closedAt?: string;
}

export interface FakeClassicProtection {
  requiredApprovingReviewCount: number;
  dismissesStaleReviews: boolean;
  requiresCodeOwnerReviews: boolean;
  requiresStatusChecks: boolean;
  isAdminEnforced: boolean;
  allowsForcePushes: boolean;
  allowsDeletions: boolean;
}

export interface FakeRuleset {
  databaseId: number;
  name: string;
  enforcement: 'ACTIVE' | 'EVALUATE' | 'DISABLED';
  target: 'BRANCH' | 'TAG';
  /** Ref name patterns as GitHub stores them: `~DEFAULT_BRANCH`, `~ALL`, `refs/heads/main`, `refs/heads/release/*`. */
  include: string[];
  exclude: string[];
  /** GraphQL rule types (`PULL_REQUEST`, `NON_FAST_FORWARD`, ...). */
  rules: string[];
}

export type FakeDependabotAlerts = { state: 'enabled'; open: FakeAlert[] } | { state: 'disabled' } | { state: 'no-access' };

export type FakePermission = 'ADMIN' | 'MAINTAIN' | 'WRITE' | 'TRIAGE' | 'READ';

/** One repository security advisory as the fake holds it (served as GitHub's `repository-advisory` object). */
export interface FakeAdvisory {
  ghsaId: string;
  cveId: string | null;
  summary: string;
  description: string | null;
  severity: 'critical' | 'high' | 'medium' | 'low' | null;
  state: 'triage' | 'draft' | 'published' | 'closed' | 'withdrawn';
  /** ISO dates (UTC). */
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  closedAt: string | null;
  withdrawnAt: string | null;
  /** A private vulnerability report (`submission.accepted`), or null for an advisory a maintainer drafted. */
  submission: { accepted: boolean } | null;
  credits: { login: string; type: string; state: 'accepted' | 'declined' | 'pending' }[];
  collaboratingUsers: string[];
  /** Team slugs of the repository's organisation. */
  collaboratingTeams: string[];
  author: string | null;
  publisher: string | null;
  cvssV3: { vector: string; score: number } | null;
  cvssV4: { vector: string; score: number } | null;
  cweIds: string[];
  vulnerabilities: { ecosystem: string; name: string | null; vulnerableVersionRange: string | null; patchedVersions: string | null; vulnerableFunctions: string[] }[];
  /** Whether a temporary private fork exists (`<repo>-ghsa-xxxx-xxxx-xxxx`). */
  privateFork: boolean;
}

export interface FakeRepo {
  owner: string;
  name: string;
  databaseId: number;
  archived: boolean;
  fork: boolean;
  private: boolean;
  defaultBranch: string;
  /** The default branch's files. No commits means an empty repository (and no files). */
  files: FakeFile[];
  /** Newest first. */
  commits: FakeCommit[];
  /** Newest first. */
  releases: FakeRelease[];
  /** `not-found`: the endpoint answers 404 (the feature is off for this token, as GitHub does). */
  privateVulnerabilityReporting: boolean | 'not-found';
  dependabotAlerts: FakeDependabotAlerts;
  /** Repository Actions secrets' names; `no-access`: 403 for this token. */
  secrets: string[] | 'no-access';
  classicProtection: FakeClassicProtection | null;
  rulesets: FakeRuleset[];
  /** Newest first. */
  pullRequests: FakePullRequest[];
  /** The token's permission on the repository (GraphQL `viewerPermission`); below ADMIN, branch protection rules read as null. */
  viewerPermission: FakePermission;
  /** Repository security advisories (left out: none). */
  advisories?: FakeAdvisory[];
  /**
   * Logins that administer this repository or manage its security: they see
   * every advisory of it (org owners and security managers do too); anyone
   * else sees published ones and those they collaborate on, as on GitHub.
   */
  advisoryManagers?: string[];
  /** Every token gets this status for the repository's advisories (a fine-grained token without "Repository security advisories"). */
  advisoriesRefused?: 403 | 404;
  /** Issue numbers that exist (for comments); left out: none. */
  issues?: number[];
}

export interface FakeMember {
  login: string;
  databaseId: number;
  role: 'ADMIN' | 'MEMBER';
  /** ISO date of the member's newest contribution to the organisation, or null for none in the last year. */
  lastContribution: string | null;
}

export interface FakeOrg {
  login: string;
  databaseId: number;
  /** `null`: the token may not see it (GraphQL answers null, as for non-owners). */
  twoFactorRequired: boolean | null;
  /** `no-access`: the REST endpoint answers 403. */
  defaultWorkflowPermissions: 'read' | 'write' | 'no-access';
  members: FakeMember[];
  outsideCollaborators: string[] | 'no-access';
  /** Logins that are security managers (org owners, `role: 'ADMIN'` members, also list every advisory of the org). */
  securityManagers?: string[];
  /** Team slugs of the organisation (advisory collaborators must be one of them). */
  teams?: string[];
  /** What `GET /orgs/{org}/security-advisories` answers a token that is neither owner nor security manager (default 404). */
  advisoryRefusal?: 403 | 404;
  /** Repository names in the order GitHub lists them (by name). */
  repoNames(): readonly string[];
  repo(name: string): FakeRepo | undefined;
}

export function sha1(text: string | Buffer): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The id git gives a blob with this content. */
export function gitBlobOid(content: string | Buffer): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function fakeFile(path: string, content: string | Buffer, options: { binary?: boolean } = {}): FakeFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { path, text: options.binary ? null : bytes.toString('utf8'), oid: gitBlobOid(bytes), size: bytes.length };
}

const treeOids = new WeakMap<FakeFile[], string>();

/** A stable id for the default branch's tree: changes whenever a path or a blob changes. */
export function treeOid(repo: FakeRepo): string {
  let oid = treeOids.get(repo.files);
  if (!oid) {
    oid = sha1(`tree\n${repo.files.map((file) => `${file.path} ${file.oid}`).sort().join('\n')}`);
    treeOids.set(repo.files, oid);
  }
  return oid;
}

export function isEmptyRepo(repo: FakeRepo): boolean {
  return repo.commits.length === 0;
}

/** An organisation over a fixed list of repositories. */
export function staticOrg(settings: Omit<FakeOrg, 'repoNames' | 'repo'>, repos: FakeRepo[]): FakeOrg & { repos: FakeRepo[] } {
  const sorted = [...repos].sort((a, b) => compareNames(a.name, b.name));
  const byName = new Map(sorted.map((repo) => [repo.name.toLowerCase(), repo]));
  return {
    ...settings,
    repos: sorted,
    repoNames: () => sorted.map((repo) => repo.name),
    repo: (name) => byName.get(name.toLowerCase()),
  };
}

/** GitHub lists repositories by name, case-insensitively. */
export function compareNames(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Records a push: new files on the default branch and a new head commit. */
export function pushCommit(repo: FakeRepo, change: { files: FakeFile[]; removed?: string[]; date: string; author: string }): FakeCommit {
  const replaced = new Set([...change.files.map((file) => file.path), ...(change.removed ?? [])]);
  repo.files = [...repo.files.filter((file) => !replaced.has(file.path)), ...change.files];
  const commit: FakeCommit = { sha: sha1(`${repo.owner}/${repo.name} ${change.date} ${treeOid(repo)}`), date: change.date, author: change.author, verified: false };
  repo.commits = [commit, ...repo.commits];
  return commit;
}
