/**
 * The disclosure desk's model: one advisory as the desk sees it, whatever it
 * came from (GitHub's org or repo endpoint, a file of REST JSON, a manual
 * record of an e-mailed report), what the store observed of it over time, the
 * policy its clocks run on, and the status the desk reports.
 *
 * Dates are ISO 8601 strings in UTC (`2026-12-06T06:38:53Z`), as GitHub sends
 * them; day arithmetic happens in the policy's time zone (clocks.ts).
 */

/** GitHub's repository advisory states, in lifecycle order. */
export const ADVISORY_STATES = ['triage', 'draft', 'published', 'closed', 'withdrawn'] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];

/** GitHub's credit types (`credits_detailed[].type`). */
export const CREDIT_TYPES = [
  'analyst',
  'finder',
  'reporter',
  'coordinator',
  'remediation_developer',
  'remediation_reviewer',
  'remediation_verifier',
  'tool',
  'sponsor',
  'other',
] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];
export type CreditState = 'accepted' | 'declined' | 'pending';

export interface AdvisoryCredit {
  login: string;
  type: CreditType;
  state: CreditState;
}

/** One affected package of an advisory (`vulnerabilities[]`). */
export interface AdvisoryVulnerability {
  /** GitHub's ecosystem name (`pip`, `npm`, `maven`, …), or null when the advisory leaves it out. */
  ecosystem: string | null;
  name: string | null;
  /** GitHub's range syntax, e.g. `< 4.2.5` or `>= 1.0, < 1.4.1`. */
  vulnerableVersionRange: string | null;
  /** Comma-separated versions, e.g. `4.2.5`. */
  patchedVersions: string | null;
  vulnerableFunctions: string[];
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Where the desk got an advisory from. */
export type AdvisoryOrigin =
  /** `GET /orgs/{org}/security-advisories` */
  | 'github-org'
  /** `GET /repos/{owner}/{repo}/security-advisories` (the token could not read the org's list) */
  | 'github-repo'
  /** A REST advisory object read from `--from-dir` */
  | 'file'
  /** A report that arrived by e-mail, recorded with `advisories add` or in a manual YAML file */
  | 'manual';

/** One advisory, normalised from GitHub's REST object or a manual record. */
export interface DeskAdvisory {
  /** `GHSA-xxxx-xxxx-xxxx`, or for a manual record the id it was given (`MAIL-2026-003`). */
  id: string;
  /** The GHSA id when there is one (manual records of e-mailed reports may not have one yet). */
  ghsaId: string | null;
  cveId: string | null;
  /** Repository owner and name; for GitHub advisories taken from the advisory's `url` (the object has no `repository` field). */
  owner: string;
  repo: string;
  /** Whether the repository is public, when known (a draft in a public repo needs a CVE before it is published). */
  repositoryPublic: boolean | null;
  /** The advisory's page (`html_url`), or null for a manual record without one. */
  htmlUrl: string | null;
  summary: string;
  /** The advisory's body (Markdown), when the source gives it. */
  description: string | null;
  state: AdvisoryState;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  closedAt: string | null;
  withdrawnAt: string | null;
  /**
   * Private vulnerability reports: `submission.accepted` (true once a maintainer
   * accepted it). null when the advisory was not submitted as a report.
   */
  submissionAccepted: boolean | null;
  credits: AdvisoryCredit[];
  /** Logins of `collaborating_users`. */
  collaboratingUsers: string[];
  /** Slugs of `collaborating_teams` (teams of the advisory's own organisation). */
  collaboratingTeams: string[];
  /** Login of the advisory's author and publisher, when the source gives them. */
  author: string | null;
  publisher: string | null;
  severity: Severity | null;
  /** CVSS vectors and scores (`cvss_severities.cvss_v3/v4`), when set. */
  cvss: { version: '3' | '4'; vector: string; score: number | null }[];
  cweIds: string[];
  vulnerabilities: AdvisoryVulnerability[];
  /** `owner/name` of the temporary private fork, if one exists. */
  privateFork: string | null;
  /** GitHub advisory references (URLs), in the order given. */
  references: string[];
  origin: AdvisoryOrigin;
  /** What the origin was exactly: an API route, a file path (and the manual file's line). */
  source: string;
}

/** What one run saw of one advisory: the store keeps every observation with its time. */
export interface AdvisoryObservation {
  advisoryId: string;
  /** When the desk looked (the run's clock). */
  observedAt: string;
  state: AdvisoryState;
  /** The advisory's own `updated_at` at that time. */
  updatedAt: string;
}

/** An acknowledgement recorded by hand (`advisories ack`): a reply sent by mail, say. */
export interface ManualAcknowledgement {
  advisoryId: string;
  at: string;
  /** Who acknowledged it (a login or a name); never a credential. */
  by: string | null;
  note: string | null;
}

/** The clocks of one organisation's advisories. Defaults: the Jupyter Security Council's process. */
export interface ClockPolicy {
  /** Respond to a new report within this many days of `created_at` (3). */
  acknowledgeDays: number;
  /** Disclose within this many days of `created_at` (90), patch or not. */
  discloseDays: number;
  /** Warn this many days before a clock is due (14). */
  warnDays: number;
  /** Urgent from this many days before it is due (7). */
  urgentDays: number;
  /** An IANA time zone in which days are counted and due dates written (`UTC`). */
  timeZone: string;
}

export const DEFAULT_CLOCK_POLICY: ClockPolicy = { acknowledgeDays: 3, discloseDays: 90, warnDays: 14, urgentDays: 7, timeZone: 'UTC' };

/** Who must be on every advisory: the official list of handles ("teams don't work across orgs"). */
export interface CollaboratorPolicy {
  users: string[];
  /** Team slugs; only usable on advisories of the team's own organisation (`org/slug` or a bare slug for every org). */
  teams: string[];
}

/** Where reminders and watch digests go. Secret-bearing values are named by environment variable, never written in the file. */
export type NotifierConfig =
  /** A comment on one issue of a private tracking repository (`owner/name`, issue number). */
  | { type: 'github-issue'; repo: string; issue: number }
  /** JSON POSTed to an incoming webhook (Zulip, Slack and Matrix accept `{"text": …}`); the URL is read from `urlEnv`. */
  | { type: 'webhook'; urlEnv: string; format: 'slack' | 'zulip' | 'matrix' }
  /** Mail through an SMTP server; credentials from `userEnv` / `passwordEnv` when set. */
  | { type: 'smtp'; host: string; port: number; secure: boolean; from: string; to: string[]; userEnv?: string; passwordEnv?: string };

/** The desk's configuration (`disclosure:` in chainwatch.yaml), defaults filled in. */
export interface DeskPolicy {
  clocks: ClockPolicy;
  /** Per-organisation overrides of the clocks and collaborators. */
  orgs: Record<string, { clocks?: Partial<ClockPolicy>; collaborators?: CollaboratorPolicy }>;
  collaborators: CollaboratorPolicy;
  /** `no-cve`: a draft in a public repository older than this many days without a CVE (7). */
  cveAfterDays: number;
  /** `single-person`: fewer people than this on an advisory (2). */
  minimumPeople: number;
  /** `owner/name` of the private tracking repository, if the org keeps one. */
  trackingRepo: string | null;
  notifiers: NotifierConfig[];
}

export type ClockStatus = 'met' | 'due' | 'overdue';
/** How pressing a clock not yet met is: `soon` from `warnDays` before its due day, `urgent` from `urgentDays` before it and once overdue; `none` when met. */
export type ClockUrgency = 'none' | 'soon' | 'urgent';

/** What proves a clock was met (or when the advisory left triage). */
export type ClockEvidence =
  /** A run saw the advisory in triage and a later one saw it out of triage: met at the later observation. */
  | 'observed-transition'
  /** First seen already out of triage: its `updated_at` then is the latest it can have left. */
  | 'updated-at-when-first-seen'
  /** `submission.accepted` is true (GitHub does not say when; the first observation of it, else `updated_at`). */
  | 'submission-accepted'
  /** Recorded with `advisories ack` or in the manual file. */
  | 'manual-acknowledgement'
  /** `published_at` */
  | 'published'
  /** `closed_at` (or `withdrawn_at`) */
  | 'closed'
  /** Not met yet. */
  | 'none';

export interface ClockResult {
  /** The due date, `YYYY-MM-DD` in the policy's time zone. */
  due: string;
  status: ClockStatus;
  /** Whole days from the run's day to the due day (negative when overdue); null once met. */
  daysLeft: number | null;
  urgency: ClockUrgency;
  /** When it was met (ISO), or null. */
  metAt: string | null;
  evidence: ClockEvidence;
}

export const PROBLEM_IDS = [
  'missing-collaborators',
  'no-cve',
  'no-patched-versions',
  'credit-pending',
  'credit-declined',
  'no-severity',
  'single-person',
  'acknowledge-overdue',
  'disclosure-overdue',
  'disclosure-due-soon',
  'not-in-pypa-db',
] as const;
export type ProblemId = (typeof PROBLEM_IDS)[number];

export interface Problem {
  id: ProblemId;
  /** One sentence about this advisory. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/** One advisory with its clocks and problems: a row of `advisories list`. */
export interface AdvisoryStatus {
  advisory: DeskAdvisory;
  /** When the advisory left triage, and the evidence used (null while in triage). */
  leftTriage: { at: string; evidence: ClockEvidence } | null;
  clocks: { acknowledge: ClockResult; disclose: ClockResult };
  problems: Problem[];
}

/** How one source was read, or why it could not be. */
export interface DeskSource {
  /** `github:org/jupyter`, `github:repo/jupyter/notebook`, `dir:/path`, `manual:/path/to/file.yaml`, `store` */
  name: string;
  /** `org-endpoint` read the org's list; `repo-endpoints` fell back to each repository (the token is not an owner or security manager). */
  status: 'read' | 'repo-endpoints' | 'unreachable' | 'forbidden' | 'not-found' | 'invalid';
  advisories: number;
  /** Why a source was read the way it was or not at all, in one sentence (no secret). */
  note: string | null;
}

