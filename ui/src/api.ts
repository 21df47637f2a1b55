/**
 * The dashboard's API (`chainwatch serve`, src/server/; every response is
 * described at /api/openapi.json), typed as the UI reads it. Only the fields
 * the views use are named; the server may send more.
 */
import type { ClockState, Outcome, Severity } from './router.js';

export interface RunSummary {
  id: number;
  started_at: string;
  status: string;
  command: string;
  identity: string;
  label: string;
  tool_version: string;
  packages: number | null;
  parts: string[];
}

export interface Profile {
  identity: string;
  label: string;
  latest: RunSummary;
  runs: number;
}

export interface PackageRef {
  purl: string;
  ecosystem: string;
  name: string;
  version: string;
}

export interface FindingChange {
  id: string;
  ids: string[];
  package: PackageRef;
  severity: Severity;
  summary: string | null;
  fixed: string[];
}

export interface PostureChange {
  repo: string;
  check: string;
  from: Outcome;
  to: Outcome;
  summary: string;
}

export interface DeskAdvisoryRef {
  id: string;
  repo: string;
  state: string;
  summary: string;
  url: string | null;
}

export interface ClockChange {
  id: string;
  repo: string;
  clock: 'acknowledge' | 'disclose';
  from: ClockState | null;
  to: ClockState;
  due: string;
  summary: string;
  url: string | null;
}

export interface ReportChanges {
  not_compared: Record<string, string>;
  findings: { appeared: FindingChange[]; resolved: FindingChange[] } | null;
  packages: { added: PackageRef[]; removed: PackageRef[]; version_changes: { ecosystem: string; name: string; from: string[]; to: string[] }[] } | null;
  provenance_lost: { purl: string; previous_purl: string }[] | null;
  new_install_scripts: { purl: string; scripts: string[]; previous: string[] | null }[] | null;
  maintainer_changes: { purl: string; previous_purl: string; from: number; to: number; added: string[] | null; removed: string[] | null }[] | null;
  posture: { regressions: PostureChange[]; fixes: PostureChange[] } | null;
  advisories: { opened: DeskAdvisoryRef[]; closed: DeskAdvisoryRef[]; turned_due_soon: ClockChange[]; turned_overdue: ClockChange[] } | null;
}

export interface CheckCoverage {
  check: string;
  pass: number;
  partial: number;
  fail: number;
  unknown: number;
  not_applicable: number;
  percent: number | null;
}

export interface ReportRun {
  id: number;
  started_at: string;
  status: string;
  tool_version: string;
}

export interface TrendPoint {
  id: number;
  started_at: string;
  status: string;
  packages: number | null;
  /** Packages in this run's graph that were not in the previous run's graph of the identity; null when either has no graph. */
  new_packages: number | null;
  findings: Record<Severity, number> | null;
  coverage: Record<string, number | null> | null;
  advisories: Record<ClockState, number> | null;
}

export interface ReportAction {
  priority: number;
  kind: string;
  title: string;
  why: string;
  command: string | null;
  patch: string | null;
  refs: string[];
  refs_total: number;
  is_new: boolean;
}

/** The `chainwatch.report/1` document (src/report/json-format.md). */
export interface Report {
  schema: string;
  run: ReportRun & { identity: string; label: string };
  since: ReportRun | null;
  notes: string[];
  changes: ReportChanges | null;
  actions: ReportAction[];
  standing: {
    concerns: { ranked: number; top: { rank: number; purl: string; name: string; version: string; ecosystem: string; score: number | null }[] } | null;
    posture: { repos: number; expired_waivers: number; checks: CheckCoverage[]; orgs: { org: string; checks: CheckCoverage[] }[] } | null;
    vulnerabilities: { findings: number; packages: number; by_severity: Record<Severity, number> } | null;
    advisories: { total: number; by_clock: Record<ClockState, number> } | null;
    not_checked: string[];
  };
  trends: TrendPoint[];
  steps: { name: string; status: string; milliseconds: number; note: string | null }[];
  sources: { name: string; reachable: boolean; error: string | null }[];
}

export interface WeaknessFactor {
  name: string;
  weight: number;
  value: number | null;
  detail: string;
}

export interface ConcernRow {
  rank: number;
  purl: string;
  ecosystem: string;
  name: string;
  version: string;
  score: number | null;
  /** Keys as the concerns JSON has them (camelCase) or snake_case: reach() reads both. */
  reach: Record<string, number>;
  weakness: { score: number | null; known: number; total: number; factors: WeaknessFactor[] };
}

/**
 * A view's answer says whether the run saved the part it needs: `available:
 * false` (with why) means the view has no data source for that run, which is
 * not the same as an empty list.
 */
export interface Availability {
  available?: boolean;
  reason?: string | null;
}

/** What a page of a list the server pages adds (src/server/api.ts PAGE_QUERY). */
export interface Paged {
  /** Rows that match the query and filters. */
  total: number;
  offset: number;
}

export interface ConcernsResponse extends Availability, Paged {
  run: number;
  ranked: number;
  /** One page of the ranked rows. */
  rows: ConcernRow[];
  /** The rows the run kept (its top rows; `ranked` counts every package ranked). */
  listed: number;
  /** Every factor a row of the run has: the table's columns. */
  factor_names: string[];
}

export interface GraphNode {
  id: string;
  ecosystem: string;
  name: string;
  version: string;
  root: boolean;
  vulnerable: boolean;
  severity: Severity | null;
  concern_rank: number | null;
}

export interface GraphResponse extends Availability {
  run: number;
  nodes: GraphNode[];
  edges: { from: string; to: string; kind: string }[];
}

/** The graph as the server sends it: edges as indexes into the nodes and the kinds (src/audit/views.ts GraphView). */
interface GraphWire extends Availability {
  run: number;
  nodes: GraphNode[];
  edge_kinds: string[];
  edges: [number, number, number][];
}

/** The edges named by package URL again, as the explorer works with them; an edge pointing at nothing is dropped. */
export function decodeGraph(wire: GraphWire): GraphResponse {
  const edges: GraphResponse['edges'] = [];
  for (const [from, to, kind] of wire.edges) {
    const source = wire.nodes[from];
    const target = wire.nodes[to];
    if (source !== undefined && target !== undefined) edges.push({ from: source.id, to: target.id, kind: wire.edge_kinds[kind] ?? 'unknown' });
  }
  return { run: wire.run, available: wire.available, reason: wire.reason, nodes: wire.nodes, edges };
}

export type Knowable = { known: true; value: unknown } | { known: false; reason: string };

export interface ScanFinding {
  id: string;
  ids: string[];
  summary: string | null;
  severity: { level: Severity; score: number | null; vector?: string | null } | Severity;
  fixed: string[];
  package?: PackageRef;
}

export interface PackageDetail {
  purl: string;
  ecosystem: string;
  name: string;
  version: string;
  versions_in_graph: string[];
  signals: Record<string, Knowable>;
  findings: ScanFinding[];
  concern: ConcernRow | null;
  repository: { url: string; confidence?: string; repo: string | null; posture: { checks: { id: string; outcome: Outcome; summary: string }[] } | null } | null;
  paths: string[][];
  /** More paths exist than the ones listed. */
  more_paths?: boolean;
  dependents: string[];
  dependencies: string[];
}

export interface AdvisoryGroup {
  id: string;
  ids: string[];
  severity: Severity;
  summary: string | null;
  fixed: string[];
  packages: (PackageRef & { fix: string | null })[];
}

export interface FindingsResponse extends Availability {
  run: number;
  advisories: AdvisoryGroup[];
}

export interface PostureCell {
  outcome: Outcome;
  summary: string;
  docs: string;
  /** `expired` is the server's word at the run's time; without it the UI compares `expires` with today. */
  waiver: { reason: string; expires: string | null; approved_by?: string | null; expired?: boolean } | null;
}

export interface PostureRepo {
  repo: string;
  org: string;
  archived: boolean | null;
  inactive: boolean | null;
  checks: Record<string, PostureCell>;
}

export interface PostureResponse extends Availability, Paged {
  run: number;
  checks: string[];
  /** One page of the repositories the filters keep. */
  repos: PostureRepo[];
  orgs: { org: string; checks: CheckCoverage[] }[];
  coverage: CheckCoverage[];
  /** Every repository of the run, and how many are archived or inactive. */
  counts: { repos: number; archived: number; inactive: number };
}

/** A list query: words, a column (`key`, `-key`), the page (`limit: 'all'` for an export), and a list's own filters. */
export type ListQuery = Record<string, string | number | undefined>;

/** The query string of a list query, its keys in order (the same query is the same cached request). */
export function listQueryString(query: ListQuery): string {
  const parts = Object.keys(query)
    .sort()
    .filter((key) => query[key] !== undefined && query[key] !== '')
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(String(query[key]))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

export interface DeskClock {
  due: string;
  status: 'met' | 'due' | 'overdue';
  evidence?: string | null;
  days_left: number | null;
  urgency: 'none' | 'soon' | 'urgent';
  met_at?: string | null;
}

export interface DeskAdvisory {
  id: string;
  ghsa_id?: string | null;
  cve_id?: string | null;
  repo: string;
  state: string;
  severity: string | null;
  summary: string;
  description?: string | null;
  url: string | null;
  created_at?: string | null;
  clocks: { acknowledge: DeskClock; disclose: DeskClock };
  problems: { id: string; message: string; fix?: string }[];
}

export interface AdvisoriesResponse {
  run: number;
  available: boolean;
  reason: string | null;
  advisories: DeskAdvisory[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'chainwatch.token';

/**
 * A server bound beyond loopback asks for a bearer token. The reader types it
 * once (the 401 message offers the form); it stays in this tab's session
 * storage, never in the URL.
 */
export function setToken(token: string | null): void {
  try {
    if (token === null || token === '') sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused (private mode): the token lasts until the page is reloaded.
  }
  memoryToken = token;
  cache.clear();
}

let memoryToken: string | null = null;

function token(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}

/** Responses by URL: the store is read-only while the server runs, so a response never goes stale. */
const cache = new Map<string, Promise<unknown>>();
/** Answers kept: every view and page asked lately (a run's answers do not change); the oldest go first. */
const KEPT_ANSWERS = 200;

export function apiGet<T>(path: string): Promise<T> {
  const cached = cache.get(path);
  if (cached !== undefined) {
    cache.delete(path);
    cache.set(path, cached);
    return cached as Promise<T>;
  }
  const request = load<T>(path);
  // An export (every row of a long list) is asked once and not kept.
  if (/[?&]limit=all\b/.test(path)) return request;
  cache.set(path, request);
  for (const old of [...cache.keys()].slice(0, Math.max(0, cache.size - KEPT_ANSWERS))) cache.delete(old);
  request.catch(() => cache.delete(path));
  return request;
}

async function load<T>(path: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const bearer = token();
  if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(path, { headers, credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError(0, 'network', `The dashboard's server did not answer (${error instanceof Error ? error.message : String(error)}). Is \`chainwatch serve\` still running?`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http-${response.status}`;
    const message = typeof error?.message === 'string' ? error.message : `The server answered ${response.status} ${response.statusText}.`;
    throw new ApiError(response.status, code, message);
  }
  if (body === null) throw new ApiError(response.status, 'bad-response', 'The server answered with something that is not JSON.');
  return body as T;
}

const run = (id: string) => `/api/runs/${encodeURIComponent(id)}`;

export const api = {
  profiles: () => apiGet<{ profiles: Profile[] }>('/api/profiles'),
  runs: (identity: string) => apiGet<{ runs: RunSummary[] }>(`/api/runs?identity=${encodeURIComponent(identity)}`),
  report: (id: string, since?: string) => apiGet<Report>(`${run(id)}/report${since === undefined ? '' : `?since=${encodeURIComponent(since)}`}`),
  concerns: (id: string, query: ListQuery = {}) => apiGet<ConcernsResponse>(`${run(id)}/concerns${listQueryString(query)}`),
  graph: (id: string) => apiGet<GraphWire>(`${run(id)}/graph`).then(decodeGraph),
  package: (id: string, purl: string) => apiGet<PackageDetail>(`${run(id)}/packages/${encodeURIComponent(purl)}`),
  findings: (id: string) => apiGet<FindingsResponse>(`${run(id)}/findings`),
  posture: (id: string, query: ListQuery = {}) => apiGet<PostureResponse>(`${run(id)}/posture${listQueryString(query)}`),
  advisories: (id: string) => apiGet<AdvisoriesResponse>(`${run(id)}/advisories`),
  diff: (from: string, to: string) => apiGet<Report>(`/api/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
};

/** The reach figures of a concern row, whichever case the keys are in. */
export function reachOf(row: ConcernRow): { rootsReaching: number | null; rootsTotal: number | null; paths: number | null; centrality: number | null; score: number | null } {
  const pick = (...keys: string[]) => {
    for (const key of keys) {
      const value = row.reach[key];
      if (typeof value === 'number') return value;
    }
    return null;
  };
  return {
    rootsReaching: pick('rootsReaching', 'roots_reaching'),
    rootsTotal: pick('rootsTotal', 'roots_total'),
    paths: pick('paths'),
    centrality: pick('centrality'),
    score: pick('score'),
  };
}

export function severityOf(finding: ScanFinding): Severity {
  return typeof finding.severity === 'string' ? finding.severity : finding.severity.level;
}
