/**
 * The dashboard's views of saved audit runs (`chainwatch serve`'s JSON API,
 * src/server/): pure functions over the runs history, each returning one API
 * body as documented in src/server/readme.md (snake_case keys, JSON-safe).
 * The report itself is report-model.ts's; these are the lists behind its
 * numbers: the runs and profiles, the graph, one package with the paths that
 * bring it in, the findings grouped by advisory, the posture matrix, the
 * desk's rows and the concerns. The same history always gives the same body.
 */
import { prepareList, queryList, type ListColumn, type PreparedList } from './list-query.js';
import { REPORT_SEVERITIES } from './report-types.js';
import type { CheckCoverage } from './report-types.js';
import { compareText } from '../core/compare.js';
import { isEcosystem, type Ecosystem } from '../core/package.js';
import { normalizeRepositoryUrl } from '../core/repository-url.js';
import { getScheme } from '../ecosystems/schemes.js';
import type { GraphSnapshot } from '../graph/history.js';
import { describeIdentity } from '../graph/run-identity.js';
import type { RunInfo } from '../graph/runs.js';
import type { GraphNodeWithSignals } from '../graph/build.js';
import { checkDefinition } from '../posture/checks/index.js';
import { CHECK_IDS, ORG_CHECK_IDS, type CheckId, type CheckOutcome, type CheckResult, type OrgCheckId, type PostureReport } from '../posture/types.js';
import { coverageOf, lowestFixingVersion, ownerOf, type ReportHistory } from './report-model.js';

/** The parts views read are version 1 (src/cli/commands/audit.ts); a part of another version is left out, not misread. */
const PART_SCHEMA_VERSION = 1;

type Severity = (typeof REPORT_SEVERITIES)[number];

/** A finding as the audit saves it (scan's JSON finding, src/report/json.ts). */
export interface SavedFinding {
  package: { ecosystem: string; name: string; version: string; purl: string };
  id: string;
  ids: string[];
  summary: string | null;
  severity: { level: Severity; [key: string]: unknown };
  fixed: string[];
  [key: string]: unknown;
}

interface FindingsPart {
  findings: SavedFinding[];
}

interface ConcernRowJson {
  rank: number;
  purl: string;
  [key: string]: unknown;
}

interface ConcernsPart {
  rows: ConcernRowJson[];
  ranked: number;
}

interface DeskRowJson {
  id: string;
  origin?: string;
  source?: string;
  [key: string]: unknown;
}

interface DeskPart {
  advisories: DeskRowJson[];
}

interface StepsPart {
  steps: { name: string; status: string; note: string | null }[];
}

function readPart<T>(history: ReportHistory, info: RunInfo, name: string): T | null {
  if (!info.parts.some((part) => part.name === name)) return null;
  const part = history.readPart(info.id, name);
  return part && part.schemaVersion === PART_SCHEMA_VERSION ? (part.body as T) : null;
}

/** Why a run has no such part, in one sentence, from its steps. */
function missingReason(history: ReportHistory, info: RunInfo, part: string): string {
  const steps = readPart<StepsPart>(history, info, 'steps');
  if (!steps) return `run ${info.id} is a \`${info.command}\` run: it saved no ${part}`;
  const step = steps.steps.find((entry) => entry.name === part);
  if (!step) return `the ${part} step did not run in run ${info.id}`;
  if (step.status === 'done') return `run ${info.id} saved no ${part}`;
  return `the ${part} step was ${step.status} in run ${info.id}${step.note ? `: ${step.note}` : ''}`;
}

function severityRank(level: string): number {
  const rank = (REPORT_SEVERITIES as readonly string[]).indexOf(level);
  return rank === -1 ? REPORT_SEVERITIES.length : rank;
}

function worstSeverity(levels: readonly string[]): Severity | null {
  let worst: Severity | null = null;
  for (const level of levels) if (worst === null || severityRank(level) < severityRank(worst)) worst = level as Severity;
  return worst;
}

// ---------------------------------------------------------------- runs and profiles

export interface RunSummary {
  id: number;
  started_at: string;
  status: RunInfo['status'];
  command: string;
  identity: string;
  label: string;
  tool_version: string;
  /** Packages in its graph; null without one. */
  packages: number | null;
  /** Its parts, by name (`graph` when it has one). */
  parts: string[];
}

export function runSummary(info: RunInfo): RunSummary {
  return {
    id: info.id,
    started_at: info.startedAt,
    status: info.status,
    command: info.command,
    identity: info.identity.key,
    label: describeIdentity(info.identity),
    tool_version: info.toolVersion,
    packages: info.graph?.nodes ?? null,
    parts: info.parts.map((part) => part.name),
  };
}

/** Runs oldest first: one identity's when given. */
export function listRunSummaries(history: Pick<ReportHistory, 'listRuns'>, identity?: string): RunSummary[] {
  return history.listRuns(identity === undefined ? {} : { identity }).map(runSummary);
}

export interface ProfileSummary {
  identity: string;
  label: string;
  latest: RunSummary;
  /** Its audit runs in the history. */
  runs: number;
}

/** Every identity with audit runs, with its newest one; the identity whose newest audit is newest first. */
export function listProfiles(history: Pick<ReportHistory, 'listRuns'>): ProfileSummary[] {
  const byIdentity = new Map<string, RunInfo[]>();
  for (const run of history.listRuns()) {
    if (run.command !== 'audit') continue;
    const list = byIdentity.get(run.identity.key) ?? [];
    list.push(run);
    byIdentity.set(run.identity.key, list);
  }
  return [...byIdentity.values()]
    .map((runs) => ({ newest: runs[runs.length - 1]!, count: runs.length }))
    .sort((a, b) => compareText(b.newest.startedAt, a.newest.startedAt) || b.newest.id - a.newest.id)
    .map(({ newest, count }) => ({ identity: newest.identity.key, label: describeIdentity(newest.identity), latest: runSummary(newest), runs: count }));
}

/**
 * What `latest` names: the newest audit run of the default identity, the
 * identity of the newest audit run that was not ad hoc (an experiment from
 * the command line never is the default, as for `graph`'s references);
 * else the newest audit run; null when the history holds none.
 */
export function latestAuditRun(history: Pick<ReportHistory, 'listRuns'>): number | null {
  const audits = history.listRuns().filter((run) => run.command === 'audit');
  const preferred = [...audits].reverse().find((run) => !run.identity.adHoc) ?? audits[audits.length - 1];
  if (!preferred) return null;
  return audits.filter((run) => run.identity.key === preferred.identity.key).at(-1)!.id;
}

// ---------------------------------------------------------------- the graph

export interface GraphViewNode {
  id: string;
  ecosystem: string;
  name: string;
  version: string;
  root: boolean;
  vulnerable: boolean;
  severity: Severity | null;
  concern_rank: number | null;
}

export interface GraphView {
  run: number;
  available: boolean;
  reason: string | null;
  nodes: GraphViewNode[];
  /** Each edge's kind, named once: `edges` point into it. */
  edge_kinds: string[];
  /**
   * Each edge as [from, to, kind]: indexes into `nodes` and `edge_kinds`.
   * Indexes, not package URLs: a 5,000-package graph's edges were two thirds
   * of its body as URLs, and every byte is sent to each browser that opens
   * the explorer.
   */
  edges: [number, number, number][];
}

/** Each package's findings (the run's findings part); null when the run has none. */
function findingsByPurl(history: ReportHistory, info: RunInfo): Map<string, SavedFinding[]> | null {
  const part = readPart<FindingsPart>(history, info, 'findings');
  if (!part) return null;
  const byPurl = new Map<string, SavedFinding[]>();
  for (const finding of part.findings) {
    const list = byPurl.get(finding.package.purl) ?? [];
    list.push(finding);
    byPurl.set(finding.package.purl, list);
  }
  return byPurl;
}

function concernsOf(history: ReportHistory, info: RunInfo): Map<string, ConcernRowJson> {
  const part = readPart<ConcernsPart>(history, info, 'concerns');
  return new Map((part?.rows ?? []).map((row) => [row.purl, row]));
}

/**
 * Every package of the run's graph with what the explorer filters on:
 * vulnerable and its worst severity (from the run's findings; without a
 * findings part, from the node's own advisories signal), and its rank among
 * the concerns.
 */
export function graphView(history: ReportHistory, runId: number): GraphView | null {
  const info = history.getRun(runId);
  if (!info) return null;
  const snapshot = info.graph ? history.loadSnapshot(runId) : null;
  if (!snapshot) return { run: runId, available: false, reason: missingReason(history, info, 'graph'), nodes: [], edge_kinds: [], edges: [] };
  const findings = findingsByPurl(history, info);
  const concerns = concernsOf(history, info);
  const position = new Map(snapshot.graph.nodes.map((node, index) => [node.purl, index]));
  const kinds: string[] = [];
  const kindIndex = (kind: string) => {
    const found = kinds.indexOf(kind);
    return found >= 0 ? found : kinds.push(kind) - 1;
  };
  const edges: [number, number, number][] = [];
  for (const edge of snapshot.graph.edges) {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    // An edge to a package the snapshot does not hold (a damaged snapshot) has nothing to point at.
    if (from !== undefined && to !== undefined) edges.push([from, to, kindIndex(edge.kind)]);
  }
  return {
    run: runId,
    available: true,
    reason: null,
    nodes: snapshot.graph.nodes.map((node) => {
      const severity = nodeSeverity(node, findings);
      return { id: node.purl, ecosystem: node.ecosystem, name: node.name, version: node.version, root: node.root, vulnerable: severity !== null, severity, concern_rank: concerns.get(node.purl)?.rank ?? null };
    }),
    edge_kinds: kinds,
    edges,
  };
}

function nodeSeverity(node: GraphNodeWithSignals, findings: Map<string, SavedFinding[]> | null): Severity | null {
  if (findings) return worstSeverity((findings.get(node.purl) ?? []).map((finding) => finding.severity.level));
  const advisories = node.signals.advisories;
  if (!advisories?.known || advisories.value.length === 0) return null;
  return node.signals.advisorySeverity?.known ? node.signals.advisorySeverity.value : 'unknown';
}

// ---------------------------------------------------------------- one package

export interface PackageDetail {
  run: number;
  purl: string;
  ecosystem: string;
  name: string;
  version: string;
  root: boolean;
  versions_in_graph: string[];
  signals: Record<string, unknown>;
  findings: SavedFinding[];
  concern: ConcernRowJson | null;
  repository: { url: string; confidence: string; repo: string | null; posture: { checks: { id: string; outcome: CheckOutcome; summary: string }[] } | null } | null;
  paths: string[][];
  /** Whether more paths lead to it than `paths` lists. */
  more_paths: boolean;
  dependents: string[];
  dependencies: string[];
}

/** At most this many paths per package: the shortest, which say most about why it is installed. */
export const MAX_PATHS = 20;

/**
 * One package of the run's graph: its versions in the graph, its signals,
 * findings, concern row, source repository with that repository's posture
 * in the run, the shortest paths from the roots down to it, and its direct
 * dependents and dependencies. `no-run` / `no-package` when either is not there.
 */
export function packageDetail(history: ReportHistory, runId: number, purl: string): PackageDetail | 'no-run' | 'no-package' {
  const info = history.getRun(runId);
  if (!info) return 'no-run';
  const snapshot = info.graph ? history.loadSnapshot(runId) : null;
  const node = snapshot?.graph.nodes.find((entry) => entry.purl === purl);
  if (!snapshot || !node) return 'no-package';
  const graph = snapshot.graph;
  const sameName = graph.nodes.filter((entry) => entry.ecosystem === node.ecosystem && entry.name === node.name).map((entry) => entry.version);
  const { paths, more } = pathsFromRoots(snapshot, purl, MAX_PATHS);
  const unique = (list: string[]) => [...new Set(list)].sort(compareText);
  return {
    run: runId,
    purl,
    ecosystem: node.ecosystem,
    name: node.name,
    version: node.version,
    root: node.root,
    versions_in_graph: sortVersions(node.ecosystem, sameName),
    signals: { ...node.signals },
    findings: [...(findingsByPurl(history, info)?.get(purl) ?? [])].sort((a, b) => severityRank(a.severity.level) - severityRank(b.severity.level) || compareText(a.id, b.id)),
    concern: concernsOf(history, info).get(purl) ?? null,
    repository: repositoryOf(node, readPart<PostureReport>(history, info, 'posture')),
    paths,
    more_paths: more,
    dependents: unique(graph.edges.filter((edge) => edge.to === purl).map((edge) => edge.from)),
    dependencies: unique(graph.edges.filter((edge) => edge.from === purl).map((edge) => edge.to)),
  };
}

function sortVersions(ecosystem: string, versions: string[]): string[] {
  const unique = [...new Set(versions)];
  if (!isEcosystem(ecosystem)) return unique.sort(compareText);
  const scheme = getScheme(ecosystem as Ecosystem);
  const parsed = unique.map((text) => ({ text, parsed: scheme.parse(text) }));
  return parsed
    .sort((a, b) => (a.parsed.ok && b.parsed.ok ? a.parsed.value.compare(b.parsed.value) : a.parsed.ok ? -1 : b.parsed.ok ? 1 : 0) || compareText(a.text, b.text))
    .map((entry) => entry.text);
}

function repositoryOf(node: GraphNodeWithSignals, posture: PostureReport | null): PackageDetail['repository'] {
  const signal = node.signals.repository;
  if (!signal?.known) return null;
  const id = normalizeRepositoryUrl(signal.value.url);
  const repo = id?.startsWith('github.com/') ? id.slice('github.com/'.length) : null;
  const found = repo === null ? undefined : posture?.repos.find((entry) => entry.repo.toLowerCase() === repo);
  return {
    url: signal.value.url,
    confidence: signal.value.confidence,
    repo: found?.repo ?? repo,
    posture: found ? { checks: found.checks.map((check) => ({ id: check.id, outcome: check.outcome, summary: check.summary })) } : null,
  };
}

/** Edges an install follows ("why is it installed"): not dev dependencies. */
function installs(kind: string): boolean {
  return kind !== 'dev';
}

/**
 * Up to `limit` shortest simple paths from the roots to `target`, shortest
 * first (root first, target last). A best-first search backwards from the
 * target, each partial path ranked by its length plus the exact distance from
 * the nearest root to its head (a BFS from the roots), so every path popped
 * complete is a shortest remaining one; bounded in work so a graph with
 * millions of paths answers at once. A path ends at the first root it meets.
 */
export function pathsFromRoots(snapshot: Pick<GraphSnapshot, 'graph'>, target: string, limit: number = MAX_PATHS, budget = 200_000): { paths: string[][]; more: boolean } {
  const { nodes, edges } = snapshot.graph;
  const index = new Map(nodes.map((node, position) => [node.purl, position]));
  const goal = index.get(target);
  if (goal === undefined) return { paths: [], more: false };
  const successors: number[][] = nodes.map(() => []);
  const predecessors: number[][] = nodes.map(() => []);
  for (const edge of edges) {
    if (!installs(edge.kind)) continue;
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    successors[from]!.push(to);
    predecessors[to]!.push(from);
  }
  for (const list of predecessors) list.sort((a, b) => compareText(nodes[a]!.purl, nodes[b]!.purl));
  const distance = new Int32Array(nodes.length).fill(-1);
  const queue: number[] = [];
  nodes.forEach((node, position) => {
    if (node.root) {
      distance[position] = 0;
      queue.push(position);
    }
  });
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head]!;
    for (const next of successors[current]!) {
      if (distance[next] !== -1) continue;
      distance[next] = distance[current]! + 1;
      queue.push(next);
    }
  }
  if (distance[goal] === -1) return { paths: [], more: false };

  interface PathState {
    node: number;
    /** The rest of the path, towards the target. */
    next: PathState | null;
    length: number;
  }
  const buckets: PathState[][] = [];
  const push = (state: PathState) => {
    const priority = state.length + distance[state.node]!;
    (buckets[priority] ??= []).push(state);
  };
  const onPath = (state: PathState, node: number) => {
    for (let at: PathState | null = state; at; at = at.next) if (at.node === node) return true;
    return false;
  };
  push({ node: goal, next: null, length: 0 });
  const paths: string[][] = [];
  let work = 0;
  for (let priority = 0; priority < buckets.length; priority++) {
    const bucket = buckets[priority];
    // A stack within one priority: depth first, so a path is completed before its siblings multiply (a ladder of diamonds has 2^n of them).
    while (bucket && bucket.length > 0) {
      const state = bucket.pop()!;
      if (nodes[state.node]!.root) {
        if (paths.length === limit) return { paths, more: true };
        const path: string[] = [];
        for (let at: PathState | null = state; at; at = at.next) path.push(nodes[at.node]!.purl);
        paths.push(path);
        continue;
      }
      if (++work > budget) return { paths, more: true };
      // In reverse, so the first in code-point order is popped first.
      for (const previous of [...predecessors[state.node]!].reverse()) {
        if (distance[previous] === -1 || onPath(state, previous)) continue;
        push({ node: previous, next: state, length: state.length + 1 });
      }
    }
  }
  return { paths, more: false };
}

// ---------------------------------------------------------------- findings by advisory

export interface AdvisoryGroup {
  id: string;
  ids: string[];
  severity: Severity;
  summary: string | null;
  fixed: string[];
  packages: { purl: string; name: string; version: string; ecosystem: string; fix: string | null }[];
}

export interface FindingsView {
  run: number;
  available: boolean;
  reason: string | null;
  advisories: AdvisoryGroup[];
}

/**
 * The run's findings grouped by advisory (its representative id), worst
 * first, then by how many packages it affects, then by id; each package with
 * the lowest version that fixes it (null when none does).
 */
export function findingsByAdvisory(history: ReportHistory, runId: number): FindingsView | null {
  const info = history.getRun(runId);
  if (!info) return null;
  const part = readPart<FindingsPart>(history, info, 'findings');
  if (!part) return { run: runId, available: false, reason: missingReason(history, info, 'findings'), advisories: [] };
  const groups = new Map<string, SavedFinding[]>();
  for (const finding of part.findings) {
    const list = groups.get(finding.id) ?? [];
    list.push(finding);
    groups.set(finding.id, list);
  }
  const advisories = [...groups].map(([id, findings]): AdvisoryGroup => {
    const ordered = [...findings].sort((a, b) => compareText(a.package.purl, b.package.purl));
    return {
      id,
      ids: [...new Set(ordered.flatMap((finding) => finding.ids))].sort(compareText),
      severity: worstSeverity(ordered.map((finding) => finding.severity.level)) ?? 'unknown',
      summary: ordered.find((finding) => finding.summary !== null)?.summary ?? null,
      fixed: [...new Set(ordered.flatMap((finding) => finding.fixed))],
      packages: ordered.map((finding) => ({
        purl: finding.package.purl,
        name: finding.package.name,
        version: finding.package.version,
        ecosystem: finding.package.ecosystem,
        fix: lowestFixingVersion(finding.package.ecosystem, finding.package.version, [{ ...finding, severity: finding.severity.level, ids: finding.ids }]),
      })),
    };
  });
  advisories.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.packages.length - a.packages.length || compareText(a.id, b.id));
  return { run: runId, available: true, reason: null, advisories };
}

// ---------------------------------------------------------------- posture

export interface CheckCoverageJson {
  check: string;
  pass: number;
  partial: number;
  fail: number;
  unknown: number;
  not_applicable: number;
  percent: number | null;
}

export interface PostureCell {
  outcome: CheckOutcome;
  summary: string;
  docs: string;
  waiver: { reason: string; expires: string; approved_by: string | null; expired: boolean } | null;
}

export interface PostureMatrix {
  run: number;
  available: boolean;
  reason: string | null;
  checks: string[];
  repos: { repo: string; org: string; archived: boolean | null; inactive: boolean | null; checks: Record<string, PostureCell> }[];
  orgs: { org: string; checks: CheckCoverageJson[] }[];
  coverage: CheckCoverageJson[];
  expired_waivers: { repo: string; check: string; expires: string; reason: string }[];
}

/** Where a check's documentation is: its row of README.md's check table, by the anchor its definition names (posture/checks/types.ts). */
export type DocsLink = (anchor: string) => string;

const README_LINK: DocsLink = (anchor) => `README.md#${anchor}`;

function coverageJson(entry: CheckCoverage): CheckCoverageJson {
  return { check: entry.check, pass: entry.pass, partial: entry.partial, fail: entry.fail, unknown: entry.unknown, not_applicable: entry.notApplicable, percent: entry.percent };
}

function isKnownCheck(id: string): id is CheckId | OrgCheckId {
  return (CHECK_IDS as readonly string[]).includes(id) || (ORG_CHECK_IDS as readonly string[]).includes(id);
}

/**
 * Repositories × checks of the run's posture: each cell's outcome, reason,
 * docs link and waiver (expired waivers shown on their cell, marked); each
 * repository's org, and whether it is archived or inactive as its
 * `maintained` check tells (null when that check could not tell); coverage
 * per org and overall as the report counts it (report-model.ts).
 */
export function postureMatrix(history: ReportHistory, runId: number, docs: DocsLink = README_LINK): PostureMatrix | null {
  const info = history.getRun(runId);
  if (!info) return null;
  const report = readPart<PostureReport>(history, info, 'posture');
  if (!report) return { run: runId, available: false, reason: missingReason(history, info, 'posture'), checks: [], repos: [], orgs: [], coverage: [], expired_waivers: [] };
  const docsOf = new Map<string, string>();
  const docsLink = (id: string) => {
    let link = docsOf.get(id);
    if (link === undefined) {
      link = isKnownCheck(id) ? docs(checkDefinition(id).docsAnchor) : docs(`check-${id}`);
      docsOf.set(id, link);
    }
    return link;
  };
  const expired = new Map(report.expiredWaivers.map((waiver) => [`${waiver.repo}\u0000${waiver.check}`, waiver]));
  const present = new Set(report.repos.flatMap((repo) => repo.checks.map((check) => check.id as string)));
  const checks = [...CHECK_IDS.filter((id) => present.has(id)), ...[...present].filter((id) => !(CHECK_IDS as readonly string[]).includes(id)).sort(compareText)];
  const owners = [...new Set(report.repos.map((repo) => ownerOf(repo.repo)))].sort(compareText);
  return {
    run: runId,
    available: true,
    reason: null,
    checks,
    repos: report.repos.map((repo) => {
      const { archived, inactive } = activity(repo.checks.find((check) => check.id === 'maintained'));
      const cells: Record<string, PostureCell> = {};
      for (const check of repo.checks) {
        const lapsed = expired.get(`${repo.repo}\u0000${check.id}`);
        cells[check.id] = {
          outcome: check.outcome,
          summary: check.summary,
          docs: docsLink(check.id),
          waiver: check.waiver
            ? { reason: check.waiver.reason, expires: check.waiver.expires, approved_by: check.waiver.approvedBy ?? null, expired: false }
            : lapsed
              ? { reason: lapsed.reason, expires: lapsed.expires, approved_by: null, expired: true }
              : null,
        };
      }
      return { repo: repo.repo, org: ownerOf(repo.repo), archived, inactive, checks: cells };
    }),
    orgs: owners.map((owner) => ({
      org: owner,
      checks: coverageOf([...report.repos.filter((repo) => ownerOf(repo.repo) === owner).map((repo) => repo.checks), ...report.orgs.filter((org) => org.org === owner).map((org) => org.checks)]).map(coverageJson),
    })),
    coverage: coverageOf([...report.repos.map((repo) => repo.checks), ...report.orgs.map((org) => org.checks)]).map(coverageJson),
    expired_waivers: report.expiredWaivers.map((waiver) => ({ repo: waiver.repo, check: waiver.check, expires: waiver.expires, reason: waiver.reason })),
  };
}

/**
 * Archived and inactive, from the `maintained` check (posture/checks/maintained.ts):
 * archived as the check asked the forge (unknown for a local checkout, which
 * cannot tell); inactive when it failed (archived, abandoned, no commits),
 * not when it was evaluated otherwise, unknown when it could not tell or did
 * not run.
 */
function activity(maintained: CheckResult | undefined): { archived: boolean | null; inactive: boolean | null } {
  if (!maintained) return { archived: null, inactive: null };
  const saidArchived = maintained.outcome === 'fail' && (maintained.summary.startsWith('The repository is archived') || maintained.findings.some((finding) => finding.message === 'the repository is archived'));
  // The check says whether the forge was asked (runs saved before it did: inferred from the outcome).
  const archived = maintained.archived !== undefined ? maintained.archived : maintained.outcome === 'pass' || maintained.outcome === 'partial' || maintained.outcome === 'fail' ? saidArchived : null;
  const inactive = maintained.outcome === 'pass' || maintained.outcome === 'partial' || maintained.outcome === 'fail' ? maintained.outcome === 'fail' : archived === true ? true : null;
  return { archived, inactive };
}

/** Every check's documentation (the texts of its definition), in the README table's order: the page a posture cell's docs link opens. */
export function checkDocumentation(): { id: string; anchor: string; title: string; why: string; fix: string; risk: string; needs: string[] }[] {
  return [...CHECK_IDS, ...ORG_CHECK_IDS].map((id) => {
    const definition = checkDefinition(id);
    return { id, anchor: definition.docsAnchor, title: definition.title, why: definition.why, fix: definition.fix, risk: definition.risk, needs: [...definition.needs] };
  });
}

// ---------------------------------------------------------------- the desk and concerns

export interface DeskView {
  run: number;
  available: boolean;
  reason: string | null;
  advisories: DeskRowJson[];
}

/** Origins whose `source` is a local file: only its name is shown (the dashboard never shows local paths). */
const FILE_ORIGINS = new Set(['file', 'manual']);

/**
 * The desk's rows as `advisories list --format json` gave them to the audit
 * (report/disclosure/list.ts), in its order; a local file named as an
 * advisory's source is cut to its name. `available: false` with the reason
 * when the run has no desk part: the board has no data source, it is not empty.
 */
export function deskRows(history: ReportHistory, runId: number): DeskView | null {
  const info = history.getRun(runId);
  if (!info) return null;
  const part = readPart<DeskPart>(history, info, 'advisories');
  if (!part) return { run: runId, available: false, reason: missingReason(history, info, 'advisories'), advisories: [] };
  return {
    run: runId,
    available: true,
    reason: null,
    advisories: part.advisories.map((row) => (typeof row.source === 'string' && FILE_ORIGINS.has(String(row.origin)) ? { ...row, source: fileName(row.source) } : row)),
  };
}

function fileName(source: string): string {
  const parts = source.split(/[\\/]/);
  return parts[parts.length - 1] ?? source;
}

export interface ConcernsView {
  run: number;
  available: boolean;
  reason: string | null;
  ranked: number;
  rows: ConcernRowJson[];
}

/** The run's concerns rows as ranked (graph/concerns.ts ConcernRow, every factor with its weight, value and detail). */
export function concernRows(history: ReportHistory, runId: number): ConcernsView | null {
  const info = history.getRun(runId);
  if (!info) return null;
  const part = readPart<ConcernsPart>(history, info, 'concerns');
  if (!part) return { run: runId, available: false, reason: missingReason(history, info, 'concerns'), ranked: 0, rows: [] };
  return { run: runId, available: true, reason: null, ranked: part.ranked, rows: part.rows };
}

// ---------------------------------------------------------------- long lists, a page at a time

/** What a list request asks: words, a column (`key` or `-key`), where the page starts and how long it is (Infinity: all, for an export). */
export interface PageRequest {
  q?: string | undefined;
  sort?: string | undefined;
  offset: number;
  limit: number;
}

type PostureRow = PostureMatrix['repos'][number];

/** The posture filters of the dashboard: an org, archived and inactive repositories left out (`hide`) or alone (`only`), a check and its outcome. */
export interface PostureFilters {
  org?: string | undefined;
  archived?: 'hide' | 'only' | undefined;
  inactive?: 'hide' | 'only' | undefined;
  check?: string | undefined;
  outcome?: string | undefined;
}

/** The matrix without its rows, a page of them, and the counts the filters show. */
export interface PosturePage extends Omit<PostureMatrix, 'repos'> {
  repos: PostureRow[];
  /** Repositories that match the filters and the words. */
  total: number;
  offset: number;
  /** Every repository of the run, and how many of them are archived or inactive. */
  counts: { repos: number; archived: number; inactive: number };
}

/** Outcomes in the order a sort by a check puts them (failures first when descending). */
const OUTCOME_ORDER: Record<string, number> = { fail: 5, error: 4, partial: 3, 'not-available': 2, 'not-applicable': 1, pass: 0 };

function cellText(cell: PostureCell | undefined): string | null {
  if (cell === undefined) return null;
  const waiver = cell.waiver === null ? '' : ` [waived${cell.waiver.expires ? ` until ${cell.waiver.expires}` : ''}${cell.waiver.expired ? ' (expired)' : ''}: ${cell.waiver.reason}]`;
  return `${cell.outcome}: ${cell.summary}${waiver}`;
}

/** The posture rows ready to be filtered and sorted by the columns the dashboard shows (repository, org, archived, inactive, each check). */
export function preparePostureList(matrix: PostureMatrix): PreparedList<PostureRow> {
  const columns: ListColumn<PostureRow>[] = [
    { key: 'repo', value: (row) => row.repo },
    { key: 'org', value: (row) => row.org },
    { key: 'archived', value: (row) => row.archived },
    { key: 'inactive', value: (row) => row.inactive },
    ...matrix.checks.map(
      (id): ListColumn<PostureRow> => ({
        key: `check.${id}`,
        value: (row) => cellText(row.checks[id]),
        sortValue: (row) => OUTCOME_ORDER[row.checks[id]?.outcome ?? 'not-available'] ?? 0,
      }),
    ),
  ];
  return prepareList(matrix.repos, columns);
}

function presence(flag: boolean | null, wanted: 'hide' | 'only' | undefined): boolean {
  if (wanted === 'hide') return flag !== true;
  if (wanted === 'only') return flag === true;
  return true;
}

/** One page of the posture matrix: the repositories the filters and words keep, sorted; coverage and counts of the whole run. */
export function posturePage(matrix: PostureMatrix, list: PreparedList<PostureRow>, filters: PostureFilters, request: PageRequest): PosturePage {
  const { repos, ...rest } = matrix;
  const keep = (row: PostureRow) =>
    (filters.org === undefined || row.org === filters.org) &&
    presence(row.archived, filters.archived) &&
    presence(row.inactive, filters.inactive) &&
    (filters.check === undefined || filters.outcome === undefined || row.checks[filters.check]?.outcome === filters.outcome);
  const page = queryList(list, { ...request, keep });
  return {
    ...rest,
    repos: page.rows,
    total: page.total,
    offset: page.offset,
    counts: { repos: repos.length, archived: repos.filter((row) => row.archived === true).length, inactive: repos.filter((row) => row.inactive === true).length },
  };
}

interface ConcernFactorJson {
  name: string;
  weight: number;
  value: number | null;
  detail: string;
}

interface ConcernRowShape extends ConcernRowJson {
  name?: string;
  version?: string;
  ecosystem?: string;
  score?: number | null;
  reach?: { score?: number | null };
  weakness?: { score?: number | null; known?: number; total?: number; factors?: ConcernFactorJson[] };
}

/** The concerns without all their rows: a page of them, how many match, and every factor any row has (the table's columns). */
export interface ConcernsPage extends ConcernsView {
  total: number;
  offset: number;
  /** The rows the run kept (its top rows; `ranked` counts every package ranked). */
  listed: number;
  factor_names: string[];
}

function factorOf(row: ConcernRowShape, name: string): ConcernFactorJson | undefined {
  return row.weakness?.factors?.find((factor) => factor.name === name);
}

/** Every factor name the rows carry, in the order they first appear. */
function concernFactorNames(rows: readonly ConcernRowShape[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const factor of row.weakness?.factors ?? []) names.add(factor.name);
  return [...names];
}

/** The concern rows ready to be filtered and sorted by the dashboard's columns (rank, package, ecosystem, score, reach, weakness, known, each factor). */
export function prepareConcernList(view: ConcernsView): PreparedList<ConcernRowJson> {
  const shape = (row: ConcernRowJson) => row as ConcernRowShape;
  const numberOr = (value: unknown) => (typeof value === 'number' ? value : null);
  const columns: ListColumn<ConcernRowJson>[] = [
    { key: 'rank', value: (row) => row.rank },
    { key: 'package', value: (row) => `${String(shape(row).name)}@${String(shape(row).version)}` },
    { key: 'ecosystem', value: (row) => shape(row).ecosystem ?? null },
    { key: 'score', value: (row) => numberOr(shape(row).score) },
    { key: 'reach', value: (row) => numberOr(shape(row).reach?.score) },
    { key: 'weakness', value: (row) => numberOr(shape(row).weakness?.score) },
    {
      key: 'coverage',
      value: (row) => `${shape(row).weakness?.known ?? 0}/${shape(row).weakness?.total ?? 0}`,
      sortValue: (row) => {
        const { known = 0, total = 0 } = shape(row).weakness ?? {};
        return total === 0 ? 0 : known / total;
      },
    },
    ...concernFactorNames(view.rows as ConcernRowShape[]).map(
      (name): ListColumn<ConcernRowJson> => ({
        key: `factor.${name}`,
        value: (row) => {
          const factor = factorOf(shape(row), name);
          if (factor === undefined) return null;
          return factor.value === null ? `unknown: ${factor.detail}` : `${factor.value.toFixed(2)} (weight ${factor.weight}): ${factor.detail}`;
        },
        sortValue: (row) => factorOf(shape(row), name)?.value ?? null,
      }),
    ),
  ];
  return prepareList(view.rows, columns);
}

/** One page of the ranked concerns. */
export function concernsPage(view: ConcernsView, list: PreparedList<ConcernRowJson>, request: PageRequest): ConcernsPage {
  const page = queryList(list, request);
  return { ...view, rows: page.rows, total: page.total, offset: page.offset, listed: view.rows.length, factor_names: concernFactorNames(view.rows as ConcernRowShape[]) };
}
