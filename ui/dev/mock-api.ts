import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

/**
 * A stand-in for `chainwatch serve`'s API while working on the UI with the
 * Vite dev server (`npm run ui:dev`): it answers /api from fixture.json in
 * the shapes of the API contract (issue 11). Dev only: vite.config.ts adds it
 * to `vite` (serve), never to `vite build`, and nothing under ui/src imports it.
 *
 * CHAINWATCH_MOCK_NODES=5000 replaces the newest run's graph with a generated
 * one of that many nodes (the Graph explorer's scale); CHAINWATCH_MOCK_DELAY=ms
 * delays every answer (to look at the loading states).
 */

type Json = Record<string, unknown>;
interface GraphNode {
  id: string;
  ecosystem: string;
  name: string;
  version: string;
  root: boolean;
  vulnerable: boolean;
  severity: string | null;
  concern_rank: number | null;
}
interface GraphEdge {
  from: string;
  to: string;
  kind: string;
}
interface Graph {
  run: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}
interface Fixture {
  profiles: { identity: string; latest: { id: number } }[];
  runs: Record<string, { id: number; identity: string }[]>;
  reports: Record<string, Json & { run: Json; since: Json | null }>;
  concerns: Record<string, { rows: { purl: string }[] } & Json>;
  graphs: Record<string, Graph>;
  findings: Record<string, { advisories: { id: string; ids: string[]; severity: string; summary: string | null; fixed: string[]; packages: { purl: string; fix: string | null }[] }[] }>;
  posture: Record<string, Json>;
  advisories: Record<string, Json>;
  same_as: Record<'concerns' | 'posture', Record<string, string>>;
  signals: Record<string, Json>;
  repositories: Record<string, Json>;
}

export function mockApi(): Plugin {
  const fixture = JSON.parse(readFileSync(new URL('./fixture.json', import.meta.url), 'utf8')) as Fixture;
  const nodes = Number(process.env.CHAINWATCH_MOCK_NODES ?? '0');
  if (nodes > 0) {
    const newest = String(fixture.profiles[0]!.latest.id);
    fixture.graphs[newest] = syntheticGraph(Number(newest), nodes);
  }
  const delay = Number(process.env.CHAINWATCH_MOCK_DELAY ?? '0');
  const middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/api/')) return next();
    const answer = () => respond(fixture, url, request, response);
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  };
  return {
    name: 'chainwatch-mock-api',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    // `vite preview` serves the production build (dist/ui) with the same mock: timings of the real bundle.
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.end(JSON.stringify(body));
}

function error(response: ServerResponse, status: number, code: string, message: string): void {
  send(response, status, { error: { code, message } });
}

function respond(fixture: Fixture, url: URL, _request: IncomingMessage, response: ServerResponse): void {
  const path = url.pathname;
  if (path === '/api/health') return send(response, 200, { ok: true, version: '0.1.0-mock' });
  if (path === '/api/profiles') return send(response, 200, { profiles: fixture.profiles });
  if (path === '/api/runs') {
    const identity = url.searchParams.get('identity') ?? fixture.profiles[0]!.identity;
    return send(response, 200, { runs: fixture.runs[identity] ?? [] });
  }
  if (path === '/api/diff') {
    const from = url.searchParams.get('from') ?? '';
    const to = url.searchParams.get('to') ?? '';
    const report = fixture.reports[to];
    const since = fixture.reports[from];
    if (!/^\d+$/.test(from) || !/^\d+$/.test(to)) return error(response, 400, 'bad-run-id', 'from and to must be run ids.');
    if (report === undefined || since === undefined) return error(response, 404, 'no-such-run', `No run ${report === undefined ? to : from} in this store.`);
    return send(response, 200, { ...report, since: { ...(since.run as Json) } });
  }
  const match = /^\/api\/runs\/([^/]+)\/([a-z]+)(?:\/(.+))?$/.exec(path);
  if (match === null) return error(response, 404, 'not-found', `No API at ${path}.`);
  const [, rawRun, part, rest] = match;
  const run = rawRun === 'latest' ? String(fixture.profiles[0]!.latest.id) : rawRun!;
  if (!/^\d+$/.test(run)) return error(response, 400, 'bad-run-id', `“${rawRun}” is not a run id.`);
  if (fixture.reports[run] === undefined) return error(response, 404, 'no-such-run', `No run ${run} in this store.`);
  switch (part) {
    case 'report':
      return send(response, 200, fixture.reports[run]);
    case 'concerns':
      return send(response, 200, { ...(fixture.concerns[run] ?? fixture.concerns[fixture.same_as.concerns[run] ?? ''] ?? { ranked: 0, rows: [] }), run: Number(run) });
    case 'graph':
      return send(response, 200, fixture.graphs[run] ?? { run: Number(run), nodes: [], edges: [] });
    case 'findings':
      return send(response, 200, fixture.findings[run] ?? { run: Number(run), advisories: [] });
    case 'posture':
      return send(response, 200, { ...(fixture.posture[run] ?? fixture.posture[fixture.same_as.posture[run] ?? ''] ?? { checks: [], repos: [], orgs: [], coverage: [] }), run: Number(run) });
    case 'advisories':
      return send(response, 200, fixture.advisories[run] ?? { run: Number(run), available: false, reason: `run ${run} saved no advisories.`, advisories: [] });
    case 'packages': {
      let purl: string;
      try {
        purl = decodeURIComponent(rest ?? '');
      } catch {
        return error(response, 400, 'bad-purl', 'The package URL is not percent-encoded properly.');
      }
      if (!purl.startsWith('pkg:')) return error(response, 400, 'bad-purl', `“${purl}” is not a package URL.`);
      const detail = packageDetail(fixture, run, purl);
      return detail === null ? error(response, 404, 'no-such-package', `No package ${purl} in run ${run}.`) : send(response, 200, detail);
    }
    default:
      return error(response, 404, 'not-found', `No API at ${path}.`);
  }
}

/** The Package view's answer, put together from the fixture's graph, findings and concerns. */
function packageDetail(fixture: Fixture, run: string, purl: string): Json | null {
  const graph = fixture.graphs[run];
  const node = graph?.nodes.find((candidate) => candidate.id === purl);
  if (graph === undefined || node === undefined) return null;
  const concerns = fixture.concerns[run] ?? fixture.concerns[fixture.same_as.concerns[run] ?? ''];
  const findings = (fixture.findings[run]?.advisories ?? [])
    .filter((advisory) => advisory.packages.some((entry) => entry.purl === purl))
    .map((advisory) => ({ id: advisory.id, ids: advisory.ids, summary: advisory.summary, severity: { level: advisory.severity, score: null, vector: null }, fixed: advisory.fixed }));
  return {
    purl,
    ecosystem: node.ecosystem,
    name: node.name,
    version: node.version,
    versions_in_graph: graph.nodes.filter((other) => other.ecosystem === node.ecosystem && other.name === node.name).map((other) => other.version),
    signals: fixture.signals[purl] ?? { maintainers: { known: false, reason: 'the dev fixture has no signals for this package' } },
    findings,
    concern: concerns?.rows.find((row) => row.purl === purl) ?? null,
    repository: fixture.repositories[purl] ?? null,
    paths: shortestPaths(graph, purl, 20),
    dependents: graph.edges.filter((edge) => edge.to === purl).map((edge) => edge.from),
    dependencies: graph.edges.filter((edge) => edge.from === purl).map((edge) => edge.to),
  };
}

/** Up to `limit` shortest paths from the roots to `target` (breadth first over simple paths; fine for a fixture). */
function shortestPaths(graph: Graph, target: string, limit: number): string[][] {
  const children = new Map<string, string[]>();
  for (const edge of graph.edges) (children.get(edge.from) ?? children.set(edge.from, []).get(edge.from)!).push(edge.to);
  const paths: string[][] = [];
  let frontier = graph.nodes.filter((node) => node.root).map((node) => [node.id]);
  for (let depth = 0; depth < 12 && frontier.length > 0 && paths.length < limit; depth++) {
    const next: string[][] = [];
    for (const path of frontier) {
      const last = path[path.length - 1]!;
      if (last === target) {
        if (path.length > 1 || graph.nodes.some((node) => node.id === target && !node.root)) paths.push(path);
        continue;
      }
      for (const child of children.get(last) ?? []) if (!path.includes(child) && next.length < 50_000) next.push([...path, child]);
    }
    frontier = next;
  }
  return paths.slice(0, limit);
}

/** A deterministic graph of `count` nodes: 12 roots, a few thousand edges, some cross-ecosystem, some vulnerable. */
function syntheticGraph(run: number, count: number): Graph {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const ecosystems = ['PyPI', 'PyPI', 'PyPI', 'npm', 'npm', 'conda'];
  const severities = ['critical', 'high', 'medium', 'low'];
  const nodes: GraphNode[] = [];
  for (let index = 0; index < count; index++) {
    const ecosystem = ecosystems[index % ecosystems.length]!;
    const vulnerable = random() < 0.04;
    const name = `pkg-${index.toString(36)}`;
    nodes.push({
      id: `pkg:${ecosystem === 'PyPI' ? 'pypi' : ecosystem}/${name}@1.${index % 17}.0`,
      ecosystem,
      name,
      version: `1.${index % 17}.0`,
      root: index < 12,
      vulnerable,
      severity: vulnerable ? severities[Math.floor(random() * 4)]! : null,
      concern_rank: index < 2000 ? index + 1 : null,
    });
  }
  const edges: GraphEdge[] = [];
  for (let index = 12; index < count; index++) {
    const parents = 1 + Math.floor(random() * 3);
    for (let parent = 0; parent < parents; parent++) {
      const from = Math.floor(random() * Math.min(index, 12 + index / 2));
      edges.push({ from: nodes[from]!.id, to: nodes[index]!.id, kind: nodes[from]!.ecosystem === nodes[index]!.ecosystem ? 'runtime' : 'bundles' });
    }
  }
  return { run, nodes, edges };
}
