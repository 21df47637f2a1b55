/**
 * The council's report as data: one saved audit run, read back from the
 * history, compared with the last comparable run (same identity), with the
 * actions it calls for and the standing picture. report-model.ts builds it
 * from the runs' saved parts; src/report/audit/ renders it (Markdown, HTML,
 * JSON), so every format says the same thing. Plain data, JSON-safe.
 */
import type { SeverityLevel } from '../advisories/types.js';
import type { InstallScriptChange, MaintainerChange, PackageRef, ProvenanceLoss, VersionChange } from '../graph/diff.js';
import type { CheckOutcome } from '../posture/types.js';
import type { AuditSource, StepRecord } from './run.js';

/** Severity levels in report order, worst first. */
export const REPORT_SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown', 'none'] as const satisfies readonly SeverityLevel[];

/** Clock states of the desk's advisories the report counts (worst first). `due-soon`: due, with urgency soon or urgent. */
export const REPORT_CLOCK_STATES = ['overdue', 'due-soon', 'due', 'met'] as const;
export type ReportClockState = (typeof REPORT_CLOCK_STATES)[number];

export interface ReportRunRef {
  id: number;
  startedAt: string;
  status: 'complete' | 'partial';
  toolVersion: string;
}

/** A vulnerability finding on a package version of the graph (what we ship). */
export interface FindingRef {
  id: string;
  /** Every id of the advisory (aliases included), sorted. */
  ids: string[];
  package: { ecosystem: string; name: string; version: string; purl: string };
  severity: SeverityLevel;
  summary: string | null;
  fixed: string[];
}

/** One repository × check whose outcome moved between the runs. */
export interface PostureChange {
  repo: string;
  check: string;
  from: CheckOutcome;
  to: CheckOutcome;
  /** The newer run's one-sentence reason. */
  summary: string;
}

/** A desk advisory whose clock moved into `due-soon` or `overdue` between the runs. */
export interface ClockChange {
  id: string;
  repo: string;
  clock: 'acknowledge' | 'disclose';
  from: ReportClockState | null;
  to: ReportClockState;
  due: string;
  summary: string;
  url: string | null;
}

export interface DeskAdvisoryRef {
  id: string;
  repo: string;
  state: string;
  summary: string;
  url: string | null;
}

/** The entries of AuditChanges that can be null (not compared). */
export type AuditChangePart = 'findings' | 'packages' | 'provenanceLost' | 'newInstallScripts' | 'maintainerChanges' | 'posture' | 'advisories';

/**
 * What changed since the run compared with. Each entry is null when either
 * run lacks what it compares (a step skipped or failed): not compared, never
 * read as "nothing changed".
 */
export interface AuditChanges {
  /**
   * Why an entry is null, when the builder knows (`run 41 saved no posture:
   * its posture step was skipped`). Without it the renderers say what this
   * run's own steps tell, and otherwise that the run compared with has
   * nothing comparable.
   */
  notCompared?: Partial<Record<AuditChangePart, string>>;
  findings: { appeared: FindingRef[]; resolved: FindingRef[] } | null;
  packages: { added: PackageRef[]; removed: PackageRef[]; versionChanges: VersionChange[] } | null;
  provenanceLost: ProvenanceLoss[] | null;
  newInstallScripts: InstallScriptChange[] | null;
  maintainerChanges: MaintainerChange[] | null;
  posture: { regressions: PostureChange[]; fixes: PostureChange[] } | null;
  advisories: { opened: DeskAdvisoryRef[]; closed: DeskAdvisoryRef[]; turnedDueSoon: ClockChange[]; turnedOverdue: ClockChange[] } | null;
}

export const ACTION_KINDS = ['upgrade', 'advisory', 'posture', 'waiver', 'review', 'coverage'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** One thing to do, with what does it. Actions come in priority order (1 first). */
export interface AuditAction {
  priority: number;
  kind: ActionKind;
  /** One imperative sentence. */
  title: string;
  /** Why, and why at this place in the order. */
  why: string;
  /** A command that does it or starts it, when there is one. */
  command: string | null;
  /** A requirement or file change that does it (e.g. `jupyter-server>=2.14.1`), when there is one. */
  patch: string | null;
  /** Advisory ids, repositories, package URLs it is about: the first MAX_ACTION_REFS of them (report-model.ts). */
  refs: string[];
  /** How many it is about in all (more than `refs` holds when an action covers thousands of repositories). */
  refsTotal: number;
  /** New since the run compared with. */
  isNew: boolean;
}

/** One check's outcomes across the repositories (or one org's). */
export interface CheckCoverage {
  check: string;
  pass: number;
  partial: number;
  fail: number;
  /** not-available + error: the check could not be evaluated. */
  unknown: number;
  notApplicable: number;
  /** pass / (pass + partial + fail) × 100, one decimal; null when none was evaluated. */
  percent: number | null;
}

export interface ConcernSummary {
  rank: number;
  purl: string;
  name: string;
  version: string;
  ecosystem: string;
  score: number | null;
  reach: number;
  /** Known factors that weigh (value > 0), as `name: detail`. */
  factors: string[];
  /** Known / all factors. */
  known: number;
  total: number;
}

export interface StandingPicture {
  concerns: { top: ConcernSummary[]; ranked: number } | null;
  posture: { repos: number; checks: CheckCoverage[]; orgs: { org: string; checks: CheckCoverage[] }[]; expiredWaivers: number } | null;
  vulnerabilities: { findings: number; packages: number; bySeverity: Record<(typeof REPORT_SEVERITIES)[number], number> } | null;
  advisories: { total: number; byClock: Record<ReportClockState, number> } | null;
  /** The org's container images (`images:`), each as the audit scanned it; null when the run scanned none. */
  images: ImageStanding[] | null;
  /** Ecosystems with packages the advisory database could not check. */
  notChecked: string[];
}

/** One container image of the run: what it is, what it ships, and its worst findings. */
export interface ImageStanding {
  source: string;
  /** The OS it says it is (`Debian GNU/Linux 12 (bookworm)`), when it says. */
  os: string | null;
  layers: number;
  /** Package versions per ecosystem. */
  packages: Record<string, number>;
  bySeverity: Record<(typeof REPORT_SEVERITIES)[number], number>;
  /** The worst findings, at most ten, worst first. */
  worst: FindingRef[];
  findings: number;
  /** Why the image could not be read, when it could not. */
  unread: string | null;
}

/** One run's figures for the trend charts; null where that run lacked the part. */
export interface TrendPoint {
  id: number;
  startedAt: string;
  status: 'complete' | 'partial';
  packages: number | null;
  /** Packages in its graph that the graph of the identity's run before it lacks; null when either has no graph. */
  newPackages: number | null;
  findings: Record<(typeof REPORT_SEVERITIES)[number], number> | null;
  /** Pass percentage per check across the repositories. */
  coverage: Record<string, number | null> | null;
  advisories: Record<ReportClockState, number> | null;
}

export interface AuditReportModel {
  run: ReportRunRef & { identity: string; label: string };
  /** The run compared with: the given one, else the newest earlier run of the same identity with an audit's parts; null when none. */
  since: ReportRunRef | null;
  /** Caveats on the comparison (a source only one run reached, a part one run lacks). */
  notes: string[];
  steps: StepRecord[];
  sources: AuditSource[];
  changes: AuditChanges | null;
  actions: AuditAction[];
  standing: StandingPicture;
  /** Runs of the identity, oldest first, up to and including this one. */
  trends: TrendPoint[];
}
