/**
 * The council's report as data (report-types.ts), built from the runs
 * history: one saved run, the run it is compared with (the newest earlier run
 * of the same identity that has an audit's parts, or the one asked for), and
 * the identity's runs for the trends. Pure over what the history returns:
 * the same history always gives the same model.
 *
 * Actions come in tiers, worst first; within a tier, what is new since the
 * compared run first, then by name:
 *
 *   1  upgrade   a package we ship has a critical advisory
 *   2  advisory  a reported vulnerability's clock is overdue
 *   3  upgrade   high; coverage: an ecosystem whose packages no advisory could be matched against
 *   4  review    a release lost its provenance, or brought new install scripts (since the compared run)
 *   5  posture   a check regressed since the compared run
 *   6  advisory  a clock turns due soon, or an advisory has problems (no CVE, no patched versions…)
 *   7  upgrade   medium, or severity unknown
 *   8  waiver    a waiver expired: renew it or fix what it hid
 *   9  posture   a fixable check fails in some repositories (one action per check);
 *               coverage: a step that was skipped or failed (posture without a token, the desk)
 *  10  upgrade   low
 *
 * A vulnerability in what users install outranks our own hygiene; an overdue
 * disclosure is a promise to a reporter already broken, so it comes right
 * after the critical ones.
 */
import type { SeverityLevel } from '../advisories/types.js';
import { compareText } from '../core/compare.js';
import { isEcosystem, type Ecosystem } from '../core/package.js';
import { getScheme } from '../ecosystems/schemes.js';
import { diffGraphs } from '../graph/diff.js';
import type { GraphSnapshot } from '../graph/history.js';
import { describeIdentity } from '../graph/run-identity.js';
import type { RunInfo, RunReader } from '../graph/runs.js';
import type { DependencyGraph } from '../graph/types.js';
import { isFixableCheck } from '../posture/fix/types.js';
import type { CheckOutcome, PostureReport } from '../posture/types.js';
import type { AuditSource, StepRecord } from './run.js';
import {
  REPORT_CLOCK_STATES,
  REPORT_SEVERITIES,
  type AuditAction,
  type AuditChanges,
  type AuditReportModel,
  type CheckCoverage,
  type ClockChange,
  type ConcernSummary,
  type DeskAdvisoryRef,
  type FindingRef,
  type ImageStanding,
  type PostureChange,
  type ReportClockState,
  type ReportRunRef,
  type StandingPicture,
  type TrendPoint,
} from './report-types.js';

/** What the model reads: the runs and their parts, and graph snapshots. */
export interface ReportHistory extends Pick<RunReader, 'listRuns' | 'getRun' | 'readPart' | 'previousRun'> {
  loadSnapshot(id: number): GraphSnapshot | null;
}

export interface ReportOptions {
  /** Compare with this run instead of the newest earlier comparable one. */
  since?: number;
  /** Runs in the trends, this one included (default 12). */
  trendRuns?: number;
  /** Concerns in the standing picture (default 10). */
  topConcerns?: number;
}

/** The audit's saved parts (schema version 1), as far as the report reads them. */
interface FindingsPart {
  findings: { package: { ecosystem: string; name: string; version: string; purl: string }; id: string; ids: string[]; summary: string | null; severity: { level: SeverityLevel }; fixed: string[] }[];
  coverage: { ecosystem: string; packages: number; checked: boolean }[];
}
interface StepsPart {
  steps: StepRecord[];
  sources: AuditSource[];
}
interface DeskClockJson {
  due: string;
  status: 'met' | 'due' | 'overdue';
  urgency: 'none' | 'soon' | 'urgent';
  days_left: number | null;
}
interface DeskPart {
  advisories: { id: string; repo: string; state: string; summary: string; url: string | null; clocks: { acknowledge: DeskClockJson; disclose: DeskClockJson }; problems: { id: string; message: string; fix: string }[] }[];
}
interface ConcernsPart {
  rows: { rank: number; purl: string; ecosystem: string; name: string; version: string; reach: { score: number }; weakness: { factors: { name: string; value: number | null; detail: string }[]; known: number; total: number }; score: number | null }[];
  ranked: number;
}

/** The images part: each image in `scan --format json`'s shapes. */
interface ImagesPart {
  images: {
    source: string;
    image: { os: { pretty_name: string | null; id: string } | null; layers: unknown[] } | null;
    packages: Record<string, number>;
    findings: FindingsPart['findings'];
    errors: { message: string }[];
  }[];
}

interface RunParts {
  info: RunInfo;
  steps: StepsPart | null;
  findings: FindingsPart | null;
  images: ImagesPart | null;
  posture: PostureReport | null;
  advisories: DeskPart | null;
  concerns: ConcernsPart | null;
}

const AUDIT_PARTS = ['steps', 'findings', 'images', 'posture', 'advisories', 'concerns'] as const;

export type ReportModelResult = { ok: true; model: AuditReportModel } | { ok: false; message: string };

export function buildAuditReport(history: ReportHistory, runId: number, options: ReportOptions = {}): ReportModelResult {
  const info = history.getRun(runId);
  if (!info) return { ok: false, message: `no run ${runId} in the history (\`chainwatch runs list\` shows the runs)` };
  const current = readParts(history, info);
  const notes: string[] = [];

  let previousInfo: RunInfo | null;
  if (options.since !== undefined) {
    previousInfo = history.getRun(options.since);
    if (!previousInfo) return { ok: false, message: `no run ${options.since} in the history to compare with` };
    if (previousInfo.id >= info.id) return { ok: false, message: `run ${options.since} is not older than run ${info.id}: --since names an earlier run` };
    if (previousInfo.identity.key !== info.identity.key) {
      notes.push(`run ${previousInfo.id} was asked differently (${describeIdentity(previousInfo.identity)}): what only one of the runs asked for shows as added or removed`);
    }
  } else {
    previousInfo = history.previousRun(info.id, { withPart: 'steps' }) ?? history.previousRun(info.id);
  }
  const previous = previousInfo ? readParts(history, previousInfo) : null;
  if (previous && previousInfo) {
    if (previousInfo.identity.key === info.identity.key && previousInfo.identity.hash !== info.identity.hash) {
      notes.push(`the roots, environments or orgs changed between run ${previousInfo.id} and run ${info.id}`);
    }
    for (const note of sourceNotes(previous, current)) notes.push(note);
  }

  const currentGraph = info.graph ? (history.loadSnapshot(info.id)?.graph ?? null) : null;
  const previousGraph = previousInfo?.graph ? (history.loadSnapshot(previousInfo.id)?.graph ?? null) : null;
  const changes = previous ? compareRuns(previous, current, previousGraph, currentGraph) : null;
  const standing = standingPicture(current, options.topConcerns ?? 10);

  const model: AuditReportModel = {
    run: { ...runRef(info), identity: info.identity.key, label: describeIdentity(info.identity) },
    since: previousInfo ? runRef(previousInfo) : null,
    notes,
    steps: current.steps?.steps ?? [],
    sources: current.steps?.sources ?? [],
    changes,
    actions: planActions(current, changes, currentGraph),
    standing,
    trends: trends(history, info, options.trendRuns ?? 12, previous ? [current, previous] : [current], [
      [info.id, currentGraph],
      ...(previousInfo ? [[previousInfo.id, previousGraph] as const] : []),
    ]),
  };
  return { ok: true, model };
}

function runRef(info: RunInfo): ReportRunRef {
  return { id: info.id, startedAt: info.startedAt, status: info.status, toolVersion: info.toolVersion };
}

function readParts(history: ReportHistory, info: RunInfo): RunParts {
  const parts: Record<(typeof AUDIT_PARTS)[number], unknown> = { steps: null, findings: null, images: null, posture: null, advisories: null, concerns: null };
  for (const name of AUDIT_PARTS) {
    if (!info.parts.some((part) => part.name === name)) continue;
    const part = history.readPart(info.id, name);
    // A part written by a later chainwatch under another schema is left out, not misread.
    if (part && part.schemaVersion === 1) parts[name] = part.body;
  }
  return {
    info,
    steps: parts.steps as StepsPart | null,
    findings: parts.findings as FindingsPart | null,
    images: parts.images as ImagesPart | null,
    posture: parts.posture as PostureReport | null,
    advisories: parts.advisories as DeskPart | null,
    concerns: parts.concerns as ConcernsPart | null,
  };
}

/** A source one run reached and the other did not makes changes up: said once per source. */
function sourceNotes(previous: RunParts, current: RunParts): string[] {
  const unreachable = (parts: RunParts) => new Set((parts.steps?.sources ?? []).filter((source) => !source.reachable).map((source) => source.name));
  const missedBefore = unreachable(previous);
  const missedNow = unreachable(current);
  const notes: string[] = [];
  for (const name of [...missedBefore].filter((source) => !missedNow.has(source)).sort(compareText)) {
    notes.push(`run ${previous.info.id} could not reach ${name}: what it could not see shows as added now`);
  }
  for (const name of [...missedNow].filter((source) => !missedBefore.has(source)).sort(compareText)) {
    notes.push(`this run could not reach ${name}: what it could not see shows as removed`);
  }
  return notes;
}

// ---------------------------------------------------------------- changes

function compareRuns(previous: RunParts, current: RunParts, previousGraph: DependencyGraph | null, currentGraph: DependencyGraph | null): AuditChanges {
  const graphDiff = previousGraph && currentGraph ? diffGraphs(previousGraph, currentGraph) : null;
  const notCompared: NonNullable<AuditChanges['notCompared']> = {};
  if (!graphDiff) {
    const reason = `${!currentGraph ? 'this run' : `run ${previous.info.id}`} has no graph (${stepNote(!currentGraph ? current : previous, 'graph')})`;
    for (const part of ['packages', 'provenanceLost', 'newInstallScripts', 'maintainerChanges'] as const) notCompared[part] = reason;
  }
  const compare = <T>(part: 'findings' | 'posture' | 'advisories', both: (before: NonNullable<RunParts[typeof part]>, after: NonNullable<RunParts[typeof part]>) => T): T | null => {
    const before = previous[part];
    const after = current[part];
    if (before && after) return both(before, after);
    const lacking = [before ? null : previous, after ? null : current].filter((entry): entry is RunParts => entry !== null);
    notCompared[part] = lacking.map((parts) => `${parts === current ? 'this run' : `run ${parts.info.id}`} has none (${stepNote(parts, part)})`).join('; ');
    return null;
  };
  return {
    notCompared,
    findings: compare('findings', (before, after) => compareFindings(before as FindingsPart, after as FindingsPart)),
    packages: graphDiff ? { added: graphDiff.added, removed: graphDiff.removed, versionChanges: graphDiff.versionChanges } : null,
    provenanceLost: graphDiff?.provenanceLost ?? null,
    newInstallScripts: graphDiff?.newInstallScripts ?? null,
    maintainerChanges: graphDiff?.maintainerChanges ?? null,
    posture: compare('posture', (before, after) => comparePosture(before as PostureReport, after as PostureReport)),
    advisories: compare('advisories', (before, after) => compareDesk(before as DeskPart, after as DeskPart)),
  };
}

/** Why a run has no such part, from its steps. */
function stepNote(parts: RunParts, part: string): string {
  const step = parts.steps?.steps.find((entry) => entry.name === part);
  if (!step) return parts.steps ? 'the step did not run' : `a \`${parts.info.command}\` run`;
  return step.note ? `${step.status}: ${step.note}` : step.status;
}

function findingKey(finding: { id: string; package: { purl: string } }): string {
  return `${finding.package.purl}\u0000${finding.id}`;
}

function toFindingRef(finding: FindingsPart['findings'][number]): FindingRef {
  return {
    id: finding.id,
    ids: [...finding.ids].sort(compareText),
    package: { ...finding.package },
    severity: finding.severity.level,
    summary: finding.summary,
    fixed: [...finding.fixed],
  };
}

function compareFindings(previous: FindingsPart, current: FindingsPart): NonNullable<AuditChanges['findings']> {
  // One advisory under another id (an alias promoted) is the same finding.
  const aliasKeys = (part: FindingsPart) => new Set(part.findings.flatMap((finding) => [finding.id, ...finding.ids].map((id) => `${finding.package.purl}\u0000${id}`)));
  const before = aliasKeys(previous);
  const after = aliasKeys(current);
  const appeared = current.findings.filter((finding) => ![finding.id, ...finding.ids].some((id) => before.has(`${finding.package.purl}\u0000${id}`)));
  const resolved = previous.findings.filter((finding) => ![finding.id, ...finding.ids].some((id) => after.has(`${finding.package.purl}\u0000${id}`)));
  return { appeared: sortFindings(appeared.map(toFindingRef)), resolved: sortFindings(resolved.map(toFindingRef)) };
}

function severityRank(level: SeverityLevel): number {
  return REPORT_SEVERITIES.indexOf(level);
}

function sortFindings(findings: FindingRef[]): FindingRef[] {
  return findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || compareText(a.package.purl, b.package.purl) || compareText(a.id, b.id));
}

/** pass > partial > fail; anything else (not evaluated) is no step up or down. */
const OUTCOME_RANK: Partial<Record<CheckOutcome, number>> = { pass: 2, partial: 1, fail: 0 };

function postureOutcomes(report: PostureReport): Map<string, { repo: string; check: string; outcome: CheckOutcome; summary: string }> {
  const outcomes = new Map<string, { repo: string; check: string; outcome: CheckOutcome; summary: string }>();
  for (const repo of report.repos) for (const check of repo.checks) outcomes.set(`${repo.repo}\u0000${check.id}`, { repo: repo.repo, check: check.id, outcome: check.outcome, summary: check.summary });
  for (const org of report.orgs) for (const check of org.checks) outcomes.set(`${org.org}\u0000${check.id}`, { repo: org.org, check: check.id, outcome: check.outcome, summary: check.summary });
  return outcomes;
}

function comparePosture(previous: PostureReport, current: PostureReport): NonNullable<AuditChanges['posture']> {
  const before = postureOutcomes(previous);
  const regressions: PostureChange[] = [];
  const fixes: PostureChange[] = [];
  for (const [key, now] of postureOutcomes(current)) {
    const then = before.get(key);
    if (!then) continue;
    const from = OUTCOME_RANK[then.outcome];
    const to = OUTCOME_RANK[now.outcome];
    if (from === undefined || to === undefined || from === to) continue;
    (to < from ? regressions : fixes).push({ repo: now.repo, check: now.check, from: then.outcome, to: now.outcome, summary: now.summary });
  }
  const order = (a: PostureChange, b: PostureChange) => compareText(a.repo, b.repo) || compareText(a.check, b.check);
  return { regressions: regressions.sort(order), fixes: fixes.sort(order) };
}

function clockState(clock: DeskClockJson): ReportClockState {
  if (clock.status === 'met') return 'met';
  if (clock.status === 'overdue') return 'overdue';
  return clock.urgency === 'none' ? 'due' : 'due-soon';
}

const OPEN_STATES = new Set(['triage', 'draft']);

function deskRef(advisory: DeskPart['advisories'][number]): DeskAdvisoryRef {
  return { id: advisory.id, repo: advisory.repo, state: advisory.state, summary: advisory.summary, url: advisory.url };
}

function compareDesk(previous: DeskPart, current: DeskPart): NonNullable<AuditChanges['advisories']> {
  const before = new Map(previous.advisories.map((advisory) => [advisory.id, advisory]));
  const opened: DeskAdvisoryRef[] = [];
  const closed: DeskAdvisoryRef[] = [];
  const turnedDueSoon: ClockChange[] = [];
  const turnedOverdue: ClockChange[] = [];
  for (const advisory of current.advisories) {
    const then = before.get(advisory.id);
    if (!then) opened.push(deskRef(advisory));
    else if (OPEN_STATES.has(then.state) && !OPEN_STATES.has(advisory.state)) closed.push(deskRef(advisory));
    for (const name of ['acknowledge', 'disclose'] as const) {
      const to = clockState(advisory.clocks[name]);
      const from = then ? clockState(then.clocks[name]) : null;
      if (from === to) continue;
      const change: ClockChange = { id: advisory.id, repo: advisory.repo, clock: name, from, to, due: advisory.clocks[name].due, summary: advisory.summary, url: advisory.url };
      if (to === 'overdue') turnedOverdue.push(change);
      else if (to === 'due-soon') turnedDueSoon.push(change);
    }
  }
  const byId = (a: { id: string }, b: { id: string }) => compareText(a.id, b.id);
  return { opened: opened.sort(byId), closed: closed.sort(byId), turnedDueSoon: turnedDueSoon.sort(byId), turnedOverdue: turnedOverdue.sort(byId) };
}

// ---------------------------------------------------------------- standing picture

export function coverageOf(checks: { id: string; outcome: CheckOutcome }[][]): CheckCoverage[] {
  const byCheck = new Map<string, CheckCoverage>();
  for (const list of checks) {
    for (const check of list) {
      const entry = byCheck.get(check.id) ?? { check: check.id, pass: 0, partial: 0, fail: 0, unknown: 0, notApplicable: 0, percent: null };
      if (check.outcome === 'pass') entry.pass++;
      else if (check.outcome === 'partial') entry.partial++;
      else if (check.outcome === 'fail') entry.fail++;
      else if (check.outcome === 'not-applicable') entry.notApplicable++;
      else entry.unknown++;
      byCheck.set(check.id, entry);
    }
  }
  for (const entry of byCheck.values()) {
    const evaluated = entry.pass + entry.partial + entry.fail;
    entry.percent = evaluated === 0 ? null : Math.round((entry.pass / evaluated) * 1000) / 10;
  }
  return [...byCheck.values()].sort((a, b) => compareText(a.check, b.check));
}

export function ownerOf(repo: string): string {
  return repo.includes('/') ? repo.slice(0, repo.indexOf('/')) : repo;
}

function emptySeverities(): Record<(typeof REPORT_SEVERITIES)[number], number> {
  return Object.fromEntries(REPORT_SEVERITIES.map((level) => [level, 0])) as Record<(typeof REPORT_SEVERITIES)[number], number>;
}

function imageStanding(entry: ImagesPart['images'][number]): ImageStanding {
  const worst = [...entry.findings].sort((a, b) => REPORT_SEVERITIES.indexOf(a.severity.level) - REPORT_SEVERITIES.indexOf(b.severity.level) || compareText(a.id, b.id));
  return {
    source: entry.source,
    os: entry.image?.os ? (entry.image.os.pretty_name ?? entry.image.os.id) : null,
    layers: entry.image?.layers.length ?? 0,
    packages: entry.packages,
    bySeverity: severityCounts({ findings: entry.findings, coverage: [] }),
    worst: worst.slice(0, 10).map((finding) => ({ id: finding.id, ids: finding.ids, package: finding.package, severity: finding.severity.level, summary: finding.summary, fixed: finding.fixed })),
    findings: entry.findings.length,
    unread: entry.image === null || entry.image.layers.length === 0 ? (entry.errors[0]?.message ?? 'not read') : null,
  };
}

function severityCounts(part: FindingsPart): Record<(typeof REPORT_SEVERITIES)[number], number> {
  const counts = emptySeverities();
  for (const finding of part.findings) counts[finding.severity.level]++;
  return counts;
}

/** Each advisory counted once, by its worst clock: overdue, then due soon, then due; met when both are. */
function clockCounts(part: DeskPart): Record<ReportClockState, number> {
  const counts = Object.fromEntries(REPORT_CLOCK_STATES.map((state) => [state, 0])) as Record<ReportClockState, number>;
  for (const advisory of part.advisories) {
    const states = [clockState(advisory.clocks.acknowledge), clockState(advisory.clocks.disclose)];
    counts[REPORT_CLOCK_STATES.find((state) => states.includes(state))!]++;
  }
  return counts;
}

function standingPicture(parts: RunParts, topConcerns: number): StandingPicture {
  const posture = parts.posture;
  const owners = posture ? [...new Set(posture.repos.map((repo) => ownerOf(repo.repo)))].sort(compareText) : [];
  return {
    concerns: parts.concerns
      ? {
          ranked: parts.concerns.ranked,
          top: parts.concerns.rows.slice(0, topConcerns).map(
            (row): ConcernSummary => ({
              rank: row.rank,
              purl: row.purl,
              name: row.name,
              version: row.version,
              ecosystem: row.ecosystem,
              score: row.score,
              reach: Math.round(row.reach.score * 1000) / 1000,
              factors: row.weakness.factors.filter((factor) => factor.value !== null && factor.value > 0).map((factor) => `${factor.name}: ${factor.detail}`),
              known: row.weakness.known,
              total: row.weakness.total,
            }),
          ),
        }
      : null,
    posture: posture
      ? {
          repos: posture.repos.length,
          checks: coverageOf([...posture.repos.map((repo) => repo.checks), ...posture.orgs.map((org) => org.checks)]),
          orgs: owners.map((owner) => ({
            org: owner,
            checks: coverageOf([...posture.repos.filter((repo) => ownerOf(repo.repo) === owner).map((repo) => repo.checks), ...posture.orgs.filter((org) => org.org === owner).map((org) => org.checks)]),
          })),
          expiredWaivers: posture.expiredWaivers.length,
        }
      : null,
    vulnerabilities: parts.findings
      ? { findings: parts.findings.findings.length, packages: new Set(parts.findings.findings.map((finding) => finding.package.purl)).size, bySeverity: severityCounts(parts.findings) }
      : null,
    advisories: parts.advisories ? { total: parts.advisories.advisories.length, byClock: clockCounts(parts.advisories) } : null,
    images: parts.images ? parts.images.images.map(imageStanding) : null,
    notChecked: (parts.findings?.coverage ?? []).filter((entry) => !entry.checked && entry.packages > 0).map((entry) => entry.ecosystem).sort(compareText),
  };
}

// ---------------------------------------------------------------- trends

/**
 * `read`: the runs whose parts the report has read already (this run, the one compared with), not
 * read again; `loaded`: their graphs, likewise.
 */
function trends(history: ReportHistory, info: RunInfo, limit: number, read: readonly RunParts[], loaded: readonly (readonly [number, DependencyGraph | null])[]): TrendPoint[] {
  const runs = history.listRuns({ identity: info.identity.key }).filter((run) => run.id <= info.id);
  const first = Math.max(0, runs.length - Math.max(1, limit));
  const graphs = new Map(loaded);
  const packagesOf = (run: RunInfo | undefined): Set<string> | null => {
    if (!run?.graph) return null;
    const graph = graphs.has(run.id) ? graphs.get(run.id)! : (history.loadSnapshot(run.id)?.graph ?? null);
    return graph ? new Set(graph.nodes.map((node) => node.purl)) : null;
  };
  // New packages: in a run's graph and not in the graph of the run before it (the one before the first point included).
  let before = packagesOf(runs[first - 1]);
  return runs.slice(first).map((run) => {
    const parts = read.find((entry) => entry.info.id === run.id) ?? readParts(history, run);
    const packages = packagesOf(run);
    const newPackages = packages && before ? [...packages].filter((purl) => !before!.has(purl)).length : null;
    before = packages;
    return {
      id: run.id,
      startedAt: run.startedAt,
      status: run.status,
      packages: run.graph?.nodes ?? null,
      newPackages,
      findings: parts.findings ? severityCounts(parts.findings) : null,
      coverage: parts.posture ? Object.fromEntries(coverageOf([...parts.posture.repos.map((repo) => repo.checks), ...parts.posture.orgs.map((org) => org.checks)]).map((entry) => [entry.check, entry.percent])) : null,
      advisories: parts.advisories ? clockCounts(parts.advisories) : null,
    };
  });
}

// ---------------------------------------------------------------- actions

/**
 * The references an action lists: an action that covers every repository
 * failing a check can name ten thousand of them, which no reader scrolls
 * and no issue body holds (GitHub stops at 65,536 characters); the posture
 * matrix lists them all.
 */
export const MAX_ACTION_REFS = 20;

interface Candidate extends Omit<AuditAction, 'priority' | 'refsTotal'> {
  tier: number;
  sortKey: string;
}

const UPGRADE_TIER: Record<SeverityLevel, number> = { critical: 1, high: 3, medium: 7, unknown: 7, low: 10, none: 10 };

/** The roots that reach each package (by purl), following every edge from the roots. */
function rootsReaching(graph: DependencyGraph | null): Map<string, string[]> {
  const reached = new Map<string, Set<string>>();
  if (!graph) return new Map();
  const successors = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.kind === 'dev') continue;
    const list = successors.get(edge.from) ?? [];
    list.push(edge.to);
    successors.set(edge.from, list);
  }
  for (const root of graph.nodes.filter((node) => node.root)) {
    const seen = new Set([root.purl]);
    const stack = [root.purl];
    while (stack.length > 0) {
      const purl = stack.pop()!;
      const set = reached.get(purl) ?? new Set<string>();
      set.add(root.name);
      reached.set(purl, set);
      for (const next of successors.get(purl) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
  }
  return new Map([...reached].map(([purl, names]) => [purl, [...names].sort(compareText)]));
}

/** The lowest version that fixes every advisory: per advisory the lowest fixed version above the installed one, then the highest of those; null when one has none. */
export function lowestFixingVersion(ecosystem: string, installed: string, findings: FindingRef[]): string | null {
  if (!isEcosystem(ecosystem)) return null;
  const scheme = getScheme(ecosystem as Ecosystem);
  const current = scheme.parse(installed);
  if (!current.ok) return null;
  let needed: { text: string; parsed: ReturnType<typeof scheme.parse> & { ok: true } } | null = null;
  for (const finding of findings) {
    const candidates = finding.fixed
      .map((text) => ({ text, parsed: scheme.parse(text) }))
      .filter((entry): entry is { text: string; parsed: ReturnType<typeof scheme.parse> & { ok: true } } => entry.parsed.ok && entry.parsed.value.compare(current.value) > 0)
      .sort((a, b) => a.parsed.value.compare(b.parsed.value));
    const lowest = candidates[0];
    if (!lowest) return null;
    if (!needed || lowest.parsed.value.compare(needed.parsed.value) > 0) needed = lowest;
  }
  return needed?.text ?? null;
}

function requirementPatch(ecosystem: string, name: string, version: string): string {
  if (ecosystem === 'npm') return `"${name}": ">=${version}"`;
  if (ecosystem === 'conda') return `${name} >=${version}`;
  return `${name}>=${version}`;
}

function upgradeActions(parts: RunParts, changes: AuditChanges | null, graph: DependencyGraph | null): Candidate[] {
  if (!parts.findings) return [];
  const fresh = new Set((changes?.findings?.appeared ?? []).map(findingKey));
  const byPackage = new Map<string, FindingRef[]>();
  for (const finding of parts.findings.findings.map(toFindingRef)) {
    const list = byPackage.get(finding.package.purl) ?? [];
    list.push(finding);
    byPackage.set(finding.package.purl, list);
  }
  const reaching = rootsReaching(graph);
  const roots = new Set(graph?.nodes.filter((node) => node.root).map((node) => node.purl) ?? []);
  return [...byPackage].map(([purl, findings]) => {
    sortFindings(findings);
    const worst = findings[0]!.severity;
    const { ecosystem, name, version } = findings[0]!.package;
    const fixing = lowestFixingVersion(ecosystem, version, findings);
    const ids = findings.map((finding) => finding.id);
    const from = reaching.get(purl) ?? [];
    const via = roots.has(purl) ? 'one of our top packages' : from.length > 0 ? `installed with ${from.slice(0, 5).join(', ')}${from.length > 5 ? ` and ${from.length - 5} more` : ''}` : 'in the graph';
    return {
      tier: UPGRADE_TIER[worst],
      sortKey: `${ecosystem}\u0000${name}`,
      kind: 'upgrade' as const,
      title: fixing ? `Upgrade ${name} ${version} to ${fixing} or later` : `Replace or mitigate ${name} ${version}: no fixed version covers ${findings.length === 1 ? 'its advisory' : 'all its advisories'}`,
      why: `${findings.length} ${worst} advisor${findings.length === 1 ? 'y' : 'ies'} (${ids.join(', ')}); ${via}`,
      command: null,
      patch: fixing ? (roots.has(purl) ? `release ${name} ${fixing}` : requirementPatch(ecosystem, name, fixing)) : null,
      refs: [purl, ...ids],
      isNew: findings.some((finding) => fresh.has(findingKey(finding))),
    };
  });
}

function deskActions(parts: RunParts, changes: AuditChanges | null): Candidate[] {
  if (!parts.advisories) return [];
  const fresh = new Set([...(changes?.advisories?.turnedOverdue ?? []), ...(changes?.advisories?.turnedDueSoon ?? [])].map((change) => `${change.id}\u0000${change.clock}`));
  const actions: Candidate[] = [];
  for (const advisory of parts.advisories.advisories) {
    const states = (['acknowledge', 'disclose'] as const).map((name) => ({ name, state: clockState(advisory.clocks[name]), clock: advisory.clocks[name] }));
    const pressing = states.find((entry) => entry.state === 'overdue') ?? states.find((entry) => entry.state === 'due-soon');
    const refs = [advisory.id, advisory.repo, ...(advisory.url ? [advisory.url] : [])];
    if (pressing) {
      const days = pressing.clock.days_left ?? 0;
      actions.push({
        tier: pressing.state === 'overdue' ? 2 : 6,
        sortKey: advisory.id,
        kind: 'advisory',
        title: `${pressing.name === 'acknowledge' ? 'Acknowledge' : 'Publish'} ${advisory.id} in ${advisory.repo}`,
        why: pressing.state === 'overdue' ? `the ${pressing.name} clock is overdue by ${-days} day${days === -1 ? '' : 's'} (due ${pressing.clock.due})` : `the ${pressing.name} clock is due ${pressing.clock.due} (${days} day${days === 1 ? '' : 's'} left)`,
        command: null,
        patch: null,
        refs,
        isNew: fresh.has(`${advisory.id}\u0000${pressing.name}`),
      });
    } else if (advisory.problems.length > 0 && OPEN_STATES.has(advisory.state)) {
      actions.push({
        tier: 6,
        sortKey: advisory.id,
        kind: 'advisory',
        title: `Resolve ${advisory.problems.length === 1 ? 'a problem' : `${advisory.problems.length} problems`} of ${advisory.id} in ${advisory.repo}`,
        why: advisory.problems.map((problem) => `${problem.id}: ${problem.fix}`).join('; '),
        command: null,
        patch: null,
        refs,
        isNew: false,
      });
    }
  }
  return actions;
}

function reviewActions(changes: AuditChanges | null): Candidate[] {
  const actions: Candidate[] = [];
  for (const loss of changes?.provenanceLost ?? []) {
    actions.push({ tier: 4, sortKey: loss.purl, kind: 'review', title: `Check the release ${loss.purl}: it has no provenance`, why: `${loss.previousPurl} had provenance; a release without it is how a hijacked publish looks`, command: null, patch: null, refs: [loss.purl, loss.previousPurl], isNew: true });
  }
  for (const scripts of changes?.newInstallScripts ?? []) {
    actions.push({
      tier: 4,
      sortKey: scripts.purl,
      kind: 'review',
      title: `Read the install scripts of ${scripts.purl}`,
      why: `${scripts.previous === null ? 'new in the graph with' : 'now runs'} ${scripts.scripts.join(', ')} at install time`,
      command: null,
      patch: null,
      refs: [scripts.purl],
      isNew: true,
    });
  }
  return actions;
}

function postureActions(parts: RunParts, changes: AuditChanges | null, identityOrgs: string[]): Candidate[] {
  const actions: Candidate[] = [];
  // An org of the audit with more than three failing repositories is named once (`--org`; fix patches only what fails); the rest one by one.
  const target = (repos: string[]) => {
    const byOwner = new Map<string, string[]>();
    for (const repo of repos) byOwner.set(ownerOf(repo), [...(byOwner.get(ownerOf(repo)) ?? []), repo]);
    return [...byOwner]
      .flatMap(([owner, owned]) => (owned.length > 3 && identityOrgs.includes(owner) ? [`--org ${owner}`] : owned.map((repo) => `--repo ${repo}`)))
      .join(' ');
  };
  for (const regression of changes?.posture?.regressions ?? []) {
    actions.push({
      tier: 5,
      sortKey: `${regression.repo}\u0000${regression.check}`,
      kind: 'posture',
      title: `Restore ${regression.check} in ${regression.repo}`,
      why: `it went from ${regression.from} to ${regression.to}: ${regression.summary}`,
      command: isFixableCheck(regression.check) && regression.repo.includes('/') ? `chainwatch fix ${regression.check} --repo ${regression.repo} --apply` : null,
      patch: null,
      refs: [regression.repo],
      isNew: true,
    });
  }
  if (!parts.posture) return actions;
  const regressed = new Set((changes?.posture?.regressions ?? []).map((change) => `${change.repo}\u0000${change.check}`));
  const failing = new Map<string, string[]>();
  for (const repo of parts.posture.repos) {
    for (const check of repo.checks) {
      if (!isFixableCheck(check.id) || check.waiver || (check.outcome !== 'fail' && check.outcome !== 'partial') || regressed.has(`${repo.repo}\u0000${check.id}`)) continue;
      failing.set(check.id, [...(failing.get(check.id) ?? []), repo.repo]);
    }
  }
  for (const [check, repos] of [...failing].sort((a, b) => compareText(a[0], b[0]))) {
    repos.sort(compareText);
    actions.push({
      tier: 9,
      sortKey: check,
      kind: 'posture',
      title: `Fix ${check} in ${repos.length} repositor${repos.length === 1 ? 'y' : 'ies'}`,
      why: `${repos.slice(0, 5).join(', ')}${repos.length > 5 ? ` and ${repos.length - 5} more` : ''} ${repos.length === 1 ? 'does' : 'do'} not pass it; chainwatch writes the patch`,
      command: `chainwatch fix ${check} ${target(repos)} --apply`,
      patch: null,
      refs: repos,
      isNew: false,
    });
  }
  for (const waiver of parts.posture.expiredWaivers) {
    actions.push({
      tier: 8,
      sortKey: `${waiver.repo}\u0000${waiver.check}`,
      kind: 'waiver',
      title: `Renew or drop the waiver of ${waiver.check} for ${waiver.repo}`,
      why: `it expired on ${waiver.expires} (${waiver.reason}); what it hid counts again`,
      command: null,
      patch: null,
      refs: [waiver.repo],
      isNew: false,
    });
  }
  return actions;
}

/** Ecosystems OSV publishes advisories for: a database update can fill them. */
const OSV_ECOSYSTEMS = new Set(['PyPI', 'npm', 'Debian', 'Ubuntu']);

/** What the run could not look at: the advisories missing for an ecosystem, a step skipped or failed. */
function coverageActions(parts: RunParts): Candidate[] {
  const actions: Candidate[] = [];
  const notChecked = (parts.findings?.coverage ?? []).filter((entry) => !entry.checked && entry.packages > 0);
  const loadable = notChecked.filter((entry) => OSV_ECOSYSTEMS.has(entry.ecosystem));
  const findingsStep = parts.steps?.steps.find((step) => step.name === 'findings');
  if (loadable.length > 0 || findingsStep?.status === 'failed') {
    const names = loadable.map((entry) => entry.ecosystem);
    const packages = loadable.reduce((sum, entry) => sum + entry.packages, 0);
    actions.push({
      tier: 3,
      sortKey: 'advisories',
      kind: 'coverage',
      title: names.length > 0 ? `Load the ${names.join(' and ')} advisories` : 'Give the audit an advisory database',
      why: names.length > 0 ? `${packages} package${packages === 1 ? ' was' : 's were'} matched against no advisory: the database holds none for ${names.length === 1 ? 'that ecosystem' : 'those ecosystems'}` : `the findings step failed: ${findingsStep?.note ?? 'no database'}`,
      command: 'chainwatch db update',
      patch: null,
      refs: names,
      isNew: false,
    });
  }
  for (const step of parts.steps?.steps ?? []) {
    if ((step.name !== 'posture' && step.name !== 'advisories') || (step.status !== 'skipped' && step.status !== 'failed')) continue;
    actions.push({
      tier: 9,
      sortKey: `step ${step.name}`,
      kind: 'coverage',
      title: step.name === 'posture' ? "Check the orgs' repositories (the posture step did not run)" : "Read the orgs' security advisories (the desk step did not run)",
      why: `${step.status}: ${step.note ?? 'no reason recorded'}`,
      command: null,
      patch: step.name === 'posture' ? 'set GH_TOKEN (read access), or give --local checkouts' : 'set GH_TOKEN with read access to security advisories',
      refs: [],
      isNew: false,
    });
  }
  return actions;
}

function planActions(parts: RunParts, changes: AuditChanges | null, graph: DependencyGraph | null): AuditAction[] {
  const candidates = [...upgradeActions(parts, changes, graph), ...deskActions(parts, changes), ...reviewActions(changes), ...postureActions(parts, changes, parts.info.identity.inputs.orgs), ...coverageActions(parts)];
  candidates.sort((a, b) => a.tier - b.tier || Number(b.isNew) - Number(a.isNew) || compareText(a.sortKey, b.sortKey) || compareText(a.title, b.title));
  return candidates.map(({ tier: _tier, sortKey: _sortKey, refs, ...action }, index) => ({ priority: index + 1, ...action, refs: refs.slice(0, MAX_ACTION_REFS), refsTotal: refs.length }));
}
