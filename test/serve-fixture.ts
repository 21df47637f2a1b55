/**
 * A runs history for `chainwatch serve`'s tests, its browser tests and its
 * bench: a real SQLite file written through the store, holding what
 * `chainwatch audit` saves (src/cli/commands/audit.ts): two weekly audit runs
 * of one preset identity and one run of another profile. Every part is made
 * by the code that makes it in a real run where that code is pure: the
 * concerns rows by rankConcerns over the graph with the run's findings and
 * posture (audit/concern-context.ts), the desk's rows by advisoryStatus and
 * deskDocument (the `advisories list` JSON the audit saves).
 *
 * Between the two runs something of every kind changes (a version, a package
 * added and one removed, provenance lost, new install scripts, a maintainer
 * change, findings appearing and resolved, posture regressions and fixes,
 * clocks turning overdue), and hostile text from the outside world sits in
 * the desk's advisories (summary, description) and in a finding's summary,
 * with local paths beside the history file in the desk's sources, so the
 * server's redaction and the UI's sanitising are tested on what a real run
 * can hold.
 *
 * `large` writes the bench's store: orgs × repos posture and a graph of
 * `nodes` packages, deterministic (seeded), in the same shapes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AdvisoryCoverage } from '../src/scan/types.js';
import { concernContext } from '../src/audit/concern-context.js';
import type { GraphFindings } from '../src/audit/findings.js';
import { known, unknown } from '../src/core/known.js';
import { toPurl, type Ecosystem } from '../src/core/package.js';
import { DEFAULT_DESK_POLICY } from '../src/disclosure/policy.js';
import { advisoryStatus, sortStatuses } from '../src/disclosure/status.js';
import type { AdvisoryObservation, DeskAdvisory } from '../src/disclosure/types.js';
import { rankConcerns } from '../src/graph/concerns.js';
import type { BuiltGraph, GraphNodeWithSignals } from '../src/graph/build.js';
import type { RunPart } from '../src/graph/runs.js';
import { newRun } from '../src/graph/runs.fixture.js';
import type { GraphSignals } from '../src/graph/signals.js';
import type { EdgeKind, GraphEdge } from '../src/graph/types.js';
import { CHECK_IDS, ORG_CHECK_IDS, type CheckOutcome, type CheckResult, type PostureReport } from '../src/posture/types.js';
import { deskDocument } from '../src/report/disclosure/list.js';
import { openGraphStore } from '../src/store/graph-store.js';

/** The hostile payloads, each of which sets `window.__xss` if it ever runs. */
export const HOSTILE_PAYLOADS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '[click](javascript:window.__xss=1)',
  '<svg onload="window.__xss=1">',
  '<a href="data:text/html,<script>window.__xss=1</script>">open</a>',
] as const;

export interface ServeFixtureOptions {
  /** The bench's store: `orgs` × `reposPerOrg` repositories in the posture part and a graph of `nodes` packages. */
  large?: { orgs: number; reposPerOrg: number; nodes: number };
}

export interface ServeFixture {
  path: string;
  /** The preset identity's runs, older first, and the other profile's run. */
  runs: { first: number; second: number; other: number };
  /** The preset identity's key (the default identity: `latest` is `runs.second`). */
  identity: string;
  otherIdentity: string;
  /** Packages the views should show, by role. */
  packages: {
    root: string;
    /** A package with a critical finding fixed in a later version. */
    critical: string;
    /** An npm package a PyPI wheel bundles (a cross-ecosystem edge leads to it). */
    bundled: string;
    /** An npm package in the second run only, with install scripts. */
    newWithInstallScripts: string;
    /** A package whose release lost its provenance between the runs. */
    provenanceLost: string;
    /** A deep package: several paths lead to it from the roots. */
    deep: string;
  };
  /** The advisory whose summary carries a payload (grouped findings view). */
  hostileFindingId: string;
  /** The desk advisory whose summary and description carry every payload. */
  hostileDeskId: string;
  /** Local paths beside the history file written into the runs on purpose (desk sources, a source's error): no API response may show them. */
  localPaths: string[];
  /** A token written into a source's error on purpose (as a credential in a URL): no API response may show it. */
  secrets: string[];
  orgs: string[];
  /** The archived repository of the posture part. */
  archivedRepo: string;
}

const FIRST_AT = '2026-11-02T06:00:00Z';
const SECOND_AT = '2026-11-09T06:00:00Z';
const OTHER_AT = '2026-11-05T06:00:00Z';
const ORGS = ['jupyter', 'jupyterlab'];
/** Shaped as a GitHub token; not one. */
const FAKE_TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ0123';

export function buildServeFixture(file: string, options: ServeFixtureOptions = {}): ServeFixture {
  mkdirSync(path.dirname(file), { recursive: true });
  const dataDir = path.dirname(path.resolve(file));
  const localPaths = [path.join(dataDir, 'advisories-export'), path.join(dataDir, 'reports', 'manual.yaml'), path.join(dataDir, 'pypa-advisory-database')];
  const store = openGraphStore(file);
  try {
    const large = options.large;
    const firstGraph = large ? largeGraph(large.nodes, 1) : smallGraph(1);
    const secondGraph = large ? largeGraph(large.nodes, 2) : smallGraph(2);
    const orgs = large ? Array.from({ length: large.orgs }, (_, index) => (index < ORGS.length ? ORGS[index]! : `org-${String(index).padStart(2, '0')}`)) : ORGS;
    const firstPosture = large ? largePosture(orgs, large.reposPerOrg, 1) : smallPosture(1);
    const secondPosture = large ? largePosture(orgs, large.reposPerOrg, 2) : smallPosture(2);
    const firstFindings = large ? largeFindings(firstGraph, 1) : smallFindings(1);
    const secondFindings = large ? largeFindings(secondGraph, 2) : smallFindings(2);
    const identity = { label: 'preset:jupyter', roots: firstGraph.nodes.filter((node) => node.root).map((node) => toPurl(node.ecosystem, node.name)), orgs };

    const save = (at: string, graph: BuiltGraph, parts: RunPart[], profile?: string) => {
      const run = newRun(graph, { at, ...identity, parts, ...(profile === undefined ? {} : { profile, label: 'preset:jupyter' }) });
      // A source not reached makes an audit partial (audit/run.ts).
      const partial = parts.some((part) => part.name === 'steps' && (part.body as { sources: { reachable: boolean }[] }).sources.some((source) => !source.reachable));
      return store.saveRun({ ...run, command: 'audit', status: partial ? 'partial' : run.status }).id;
    };
    const first = save(FIRST_AT, firstGraph, auditParts(firstGraph, firstFindings, firstPosture, deskPart(FIRST_AT, localPaths)));
    const other = save(OTHER_AT, smallGraph(1, ['jupyterlab']), auditParts(smallGraph(1, ['jupyterlab']), smallFindings(1), null, null), 'lab-extensions');
    // What a real run's errors can hold: a local path, a credential in a registry URL.
    const unreachable = [
      { name: 'pypa advisory database', reachable: false, error: `not a checkout of pypa/advisory-database: ${localPaths[2]}` },
      { name: 'mirror.example', reachable: false, error: `HTTP 401 from https://ci:${FAKE_TOKEN}@mirror.example/simple/` },
    ];
    const second = save(SECOND_AT, secondGraph, auditParts(secondGraph, secondFindings, secondPosture, deskPart(SECOND_AT, localPaths), unreachable));
    const runs = store.listRuns();
    return {
      path: file,
      runs: { first, second, other },
      identity: runs.find((run) => run.id === second)!.identity.key,
      otherIdentity: runs.find((run) => run.id === other)!.identity.key,
      packages: {
        root: purl('PyPI', 'jupyterlab', '4.2.5'),
        critical: purl('PyPI', 'jupyter-server', '2.14.0'),
        bundled: purl('npm', '@jupyterlab/services', '7.2.5'),
        newWithInstallScripts: purl('npm', 'core-js', '3.38.0'),
        provenanceLost: purl('PyPI', 'tornado', '6.4.1'),
        deep: purl('PyPI', 'idna', '3.6'),
      },
      hostileFindingId: 'GHSA-34jh-p97f-mpxf',
      hostileDeskId: 'GHSA-h4x0-r7xs-s5c1',
      localPaths,
      secrets: [FAKE_TOKEN],
      orgs,
      archivedRepo: 'jupyter/nbclassic-legacy',
    };
  } finally {
    store.close();
  }
}

function purl(ecosystem: Ecosystem, name: string, version: string): string {
  return toPurl(ecosystem, name, version);
}

// ---------------------------------------------------------------- the graph

interface NodeSpec {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  root?: boolean;
  /** Signals beside the defaults. */
  signals?: Partial<GraphSignals>;
  repo?: string;
  /** Present in this run only. */
  only?: 1 | 2;
}

const day = 24 * 60 * 60 * 1000;

function defaultSignals(spec: NodeSpec, run: 1 | 2, seed: number): GraphSignals {
  const at = Date.parse(run === 1 ? FIRST_AT : SECOND_AT);
  const age = 20 + (seed % 700);
  const sinceLast = seed % 5 === 0 ? 400 + (seed % 300) : seed % 90;
  const maintainers = 1 + (seed % 4);
  const signals: GraphSignals = {
    releasedAt: known(new Date(at - age * day).toISOString()),
    ageDays: known(age),
    releasesLastYear: known(sinceLast > 365 ? 0 : 1 + (seed % 9)),
    daysSinceLastRelease: known(sinceLast),
    maintainers: known(maintainers),
    maintainerNames: known(Array.from({ length: maintainers }, (_, index) => `maintainer-${(seed + index) % 17}`)),
    license: known(['BSD-3-Clause', 'MIT', 'Apache-2.0'][seed % 3]!),
    provenance: spec.ecosystem === 'npm' ? known(seed % 3 !== 0) : seed % 4 === 0 ? unknown('PyPI serves no attestation for this release') : known(seed % 2 === 0),
    provenanceDropped: known(false),
    repository: spec.repo ? known({ url: `https://github.com/${spec.repo}`, confidence: seed % 3 === 0 ? 'claimed' : 'confirmed' }) : unknown('the registry names no source repository'),
    advisories: known([]),
    advisorySeverity: known('none'),
  };
  if (spec.ecosystem === 'npm') {
    signals.installScripts = known([]);
    signals.deprecated = known(false);
    signals.yanked = unknown('npm has no yanked versions');
  } else {
    signals.yanked = known(false);
    signals.deprecated = unknown('PyPI has no deprecation flag');
  }
  return signals;
}

function nodeOf(spec: NodeSpec, run: 1 | 2, seed: number): GraphNodeWithSignals {
  return { purl: purl(spec.ecosystem, spec.name, spec.version), ecosystem: spec.ecosystem, name: spec.name, version: spec.version, root: spec.root ?? false, signals: { ...defaultSignals(spec, run, seed), ...spec.signals } };
}

/** The packages of the Jupyter preset's graph (trimmed), as each run resolved them. */
function smallSpecs(run: 1 | 2): NodeSpec[] {
  const py = (name: string, version: string, rest: Partial<NodeSpec> = {}): NodeSpec => ({ ecosystem: 'PyPI', name, version, ...rest });
  const npm = (name: string, version: string, rest: Partial<NodeSpec> = {}): NodeSpec => ({ ecosystem: 'npm', name, version, ...rest });
  const specs: NodeSpec[] = [
    py('jupyterlab', '4.2.5', { root: true, repo: 'jupyterlab/jupyterlab' }),
    py('notebook', '7.2.2', { root: true, repo: 'jupyter/notebook' }),
    py('jupyter-server', '2.14.0', { root: true, repo: 'jupyter/jupyter_server' }),
    py('ipywidgets', '8.1.3', { root: true, repo: 'jupyter/ipywidgets' }),
    py('jupyterlab-server', '2.27.3', { repo: 'jupyterlab/jupyterlab_server' }),
    py('notebook-shim', '0.2.4', { repo: 'jupyter/notebook-shim' }),
    run === 1 ? py('tornado', '6.4.0', { signals: { provenance: known(true) } }) : py('tornado', '6.4.1', { signals: { provenance: known(false), provenanceDropped: known(true) } }),
    py('jinja2', '3.1.3'),
    py('markupsafe', '2.1.5'),
    py('packaging', '24.1'),
    py('httpx', '0.27.0'),
    py('httpcore', '1.0.5'),
    py('h11', '0.14.0', { signals: { daysSinceLastRelease: known(540), releasesLastYear: known(0), maintainers: known(1), maintainerNames: known(['tomchristie']) } }),
    py('anyio', '4.4.0'),
    py('sniffio', '1.3.1', { signals: { maintainers: known(1), maintainerNames: known(['njsmith']) } }),
    py('idna', '3.6'),
    py('certifi', '2024.7.4'),
    run === 1
      ? py('requests', '2.31.0', { signals: { maintainers: known(3), maintainerNames: known(['graffatcolmingov', 'Lukasa', 'nateprewitt']) } })
      : py('requests', '2.31.0', { signals: { maintainers: known(2), maintainerNames: known(['graffatcolmingov', 'nateprewitt']) } }),
    run === 1 ? py('urllib3', '2.2.0') : py('urllib3', '2.2.1'),
    py('charset-normalizer', '3.3.2'),
    py('ipykernel', '6.29.5', { repo: 'ipython/ipykernel' }),
    py('ipython', '8.26.0', { repo: 'ipython/ipython' }),
    py('pygments', '2.18.0'),
    py('traitlets', '5.14.3', { repo: 'ipython/traitlets' }),
    py('jupyter-core', '5.7.2', { repo: 'jupyter/jupyter_core' }),
    py('platformdirs', '4.2.2'),
    py('jupyter-client', '8.6.2', { repo: 'jupyter/jupyter_client' }),
    py('pyzmq', '26.0.3'),
    py('jupyter-events', '0.10.0', { repo: 'jupyter/jupyter_events' }),
    py('jsonschema', '4.23.0'),
    py('referencing', '0.35.1'),
    py('attrs', '23.2.0'),
    py('rpds-py', '0.19.0'),
    py('jupyter-server-terminals', '0.5.3', { repo: 'jupyter-server/jupyter_server_terminals' }),
    py('terminado', '0.18.1'),
    py('ptyprocess', '0.7.0', { signals: { daysSinceLastRelease: known(1480), releasesLastYear: known(0), maintainers: known(1), maintainerNames: known(['takluyver']) } }),
    py('argon2-cffi', '23.1.0'),
    py('argon2-cffi-bindings', '21.2.0', { signals: { daysSinceLastRelease: known(1100), releasesLastYear: known(0) } }),
    py('cffi', '1.16.0'),
    py('pycparser', '2.22'),
    py('nbconvert', '7.16.4', { repo: 'jupyter/nbconvert' }),
    py('nbformat', '5.10.4', { repo: 'jupyter/nbformat' }),
    py('bleach', '6.1.0', { signals: { deprecated: unknown('PyPI has no deprecation flag') } }),
    py('six', '1.16.0', { only: 1 }),
    py('webencodings', '0.5.1', { signals: { daysSinceLastRelease: known(2900), releasesLastYear: known(0), maintainers: known(1) } }),
    py('comm', '0.2.2', { repo: 'ipython/comm' }),
    py('widgetsnbextension', '4.0.11', { repo: 'jupyter-widgets/ipywidgets' }),
    py('jupyterlab-widgets', '3.0.11', { repo: 'jupyter-widgets/ipywidgets' }),
    // npm packages the wheels bundle: their registry was not asked for some of them.
    npm('@jupyterlab/application', '4.2.5', { repo: 'jupyterlab/jupyterlab' }),
    npm('@jupyterlab/services', '7.2.5', { repo: 'jupyterlab/jupyterlab' }),
    npm('@jupyterlab/apputils', '4.3.5', { repo: 'jupyterlab/jupyterlab' }),
    npm('@lumino/widgets', '2.4.0', { repo: 'jupyterlab/lumino' }),
    npm('@lumino/coreutils', '2.1.2', { repo: 'jupyterlab/lumino' }),
    npm('@lumino/signaling', '2.1.3', { repo: 'jupyterlab/lumino' }),
    npm('react', '18.3.1'),
    npm('react-dom', '18.3.1'),
    npm('scheduler', '0.23.2'),
    npm('loose-envify', '1.4.0', { signals: { daysSinceLastRelease: known(2700), maintainers: known(1) } }),
    npm('js-tokens', '4.0.0'),
    npm('ws', '8.17.0'),
    npm('ws', '7.5.9'),
    npm('yjs', '13.6.18'),
    npm('lib0', '0.2.94', { signals: { maintainers: known(1), maintainerNames: known(['dmonad']) } }),
    npm('@jupyter-widgets/base', '6.0.8', { repo: 'jupyter-widgets/ipywidgets', signals: { provenance: unknown('bundled inside a wheel; its registry was not asked'), maintainers: unknown('bundled inside a wheel; its registry was not asked') } }),
    npm('@jupyter-widgets/controls', '5.0.9', { repo: 'jupyter-widgets/ipywidgets', signals: { provenance: unknown('bundled inside a wheel; its registry was not asked') } }),
    npm('backbone', '1.4.1'),
    npm('underscore', '1.13.6'),
    npm('jquery', '3.7.1'),
    npm('querystring', '0.2.0', { signals: { deprecated: known('The querystring API is considered Legacy. new code should use the URLSearchParams API instead.') } }),
    npm('core-js', '3.38.0', { only: 2, signals: { installScripts: known(['postinstall']) } }),
  ];
  return specs.filter((spec) => spec.only === undefined || spec.only === run);
}

/** name → [dependency name, kind?]; the version is whatever the run has (ws: named with its version). */
const SMALL_EDGES: Record<string, (string | [string, EdgeKind])[]> = {
  jupyterlab: ['jupyter-server', 'jupyterlab-server', 'notebook-shim', 'tornado', 'jinja2', 'packaging', 'httpx', 'ipykernel', 'jupyter-core', 'traitlets', ['@jupyterlab/application', 'bundles']],
  notebook: ['jupyter-server', 'jupyterlab', 'jupyterlab-server', 'notebook-shim', 'tornado', ['@jupyterlab/application', 'bundles']],
  'jupyter-server': ['anyio', 'argon2-cffi', 'jinja2', 'jupyter-client', 'jupyter-core', 'jupyter-events', 'jupyter-server-terminals', 'nbconvert', 'nbformat', 'packaging', 'pyzmq', 'terminado', 'tornado', 'traitlets'],
  ipywidgets: ['comm', 'ipykernel', 'ipython', 'traitlets', 'widgetsnbextension', 'jupyterlab-widgets'],
  'jupyterlab-server': ['jinja2', 'jsonschema', 'packaging', 'requests', 'jupyter-server'],
  'notebook-shim': ['jupyter-server'],
  httpx: ['anyio', 'certifi', 'httpcore', 'idna', 'sniffio'],
  httpcore: ['certifi', 'h11'],
  anyio: ['idna', 'sniffio'],
  requests: ['certifi', 'charset-normalizer', 'idna', 'urllib3'],
  jinja2: ['markupsafe'],
  'argon2-cffi': ['argon2-cffi-bindings'],
  'argon2-cffi-bindings': ['cffi'],
  cffi: ['pycparser'],
  'jupyter-client': ['jupyter-core', 'pyzmq', 'tornado', 'traitlets'],
  'jupyter-core': ['platformdirs', 'traitlets'],
  'jupyter-events': ['jsonschema', 'referencing', 'traitlets'],
  jsonschema: ['attrs', 'referencing', 'rpds-py'],
  referencing: ['attrs', 'rpds-py'],
  nbconvert: ['bleach', 'jinja2', 'jupyter-core', 'markupsafe', 'nbformat', 'packaging', 'pygments', 'traitlets'],
  bleach: ['six', 'webencodings'],
  nbformat: ['jsonschema', 'jupyter-core', 'traitlets'],
  terminado: ['ptyprocess', 'tornado'],
  'jupyter-server-terminals': ['terminado'],
  ipykernel: ['comm', 'jupyter-client', 'jupyter-core', 'tornado', 'traitlets', 'pyzmq', 'ipython'],
  ipython: ['pygments', 'traitlets'],
  widgetsnbextension: [['@jupyter-widgets/base', 'bundles']],
  'jupyterlab-widgets': [['@jupyter-widgets/controls', 'bundles']],
  '@jupyterlab/application': ['@jupyterlab/services', '@jupyterlab/apputils', '@lumino/widgets', '@lumino/coreutils', ['querystring', 'optional']],
  '@jupyterlab/services': ['@lumino/coreutils', '@lumino/signaling', 'ws@8.17.0', 'yjs'],
  '@jupyterlab/apputils': ['react', 'react-dom', '@lumino/widgets', '@jupyterlab/services', 'core-js'],
  '@lumino/widgets': ['@lumino/coreutils', '@lumino/signaling'],
  react: ['loose-envify'],
  'react-dom': ['react', 'scheduler', 'loose-envify'],
  scheduler: ['loose-envify'],
  'loose-envify': ['js-tokens'],
  yjs: ['lib0'],
  '@jupyter-widgets/controls': ['@jupyter-widgets/base', 'jquery', '@lumino/widgets'],
  '@jupyter-widgets/base': ['backbone', 'jquery', '@lumino/coreutils', ['ws@7.5.9', 'peer']],
  backbone: ['underscore'],
};

/** The preset's graph for run 1 or 2; `onlyRoots` keeps those roots and what they reach (the other profile). */
function smallGraph(run: 1 | 2, onlyRoots?: string[]): BuiltGraph {
  const specs = smallSpecs(run);
  const byName = new Map<string, GraphNodeWithSignals>();
  const nodes = specs.map((spec) => {
    // Seeded by name, so a package's signals are the same in both runs unless its spec says otherwise.
    const node = nodeOf(spec, run, Math.floor(hash(spec.name) * 10_000));
    byName.set(spec.name === 'ws' ? `ws@${spec.version}` : spec.name, node);
    return node;
  });
  const edges: GraphEdge[] = [];
  for (const [from, list] of Object.entries(SMALL_EDGES)) {
    const source = byName.get(from);
    if (!source) continue;
    for (const entry of list) {
      const [name, kind] = typeof entry === 'string' ? [entry, 'runtime' as EdgeKind] : entry;
      const target = byName.get(name);
      if (!target) continue;
      edges.push({ from: source.purl, to: target.purl, requirement: kind === 'bundles' ? `bundled in ${source.name} ${source.version}` : `>=${target.version.split('.')[0]}`, kind });
    }
  }
  let kept = nodes;
  if (onlyRoots) {
    const reached = new Set<string>();
    const stack = nodes.filter((node) => onlyRoots.includes(node.name)).map((node) => node.purl);
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (reached.has(current)) continue;
      reached.add(current);
      for (const edge of edges) if (edge.from === current) stack.push(edge.to);
    }
    kept = nodes.filter((node) => reached.has(node.purl)).map((node) => ({ ...node, root: onlyRoots.includes(node.name) }));
  }
  const keptPurls = new Set(kept.map((node) => node.purl));
  return {
    nodes: [...kept].sort((a, b) => (a.purl < b.purl ? -1 : 1)),
    edges: edges.filter((edge) => keptPurls.has(edge.from) && keptPurls.has(edge.to)),
    sources: [
      { name: 'pypi', reachable: true },
      { name: 'npm', reachable: true },
      { name: 'advisory database', reachable: true },
    ],
    problems: [],
  };
}

/** A deterministic generator (mulberry32): the same store on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` packages (two thirds PyPI, a third npm), 8 roots, about three dependencies each, some bundles edges; run 2 bumps every 50th version. */
function largeGraph(count: number, run: 1 | 2): BuiltGraph {
  const random = seeded(42);
  const specs: NodeSpec[] = [];
  for (let index = 0; index < count; index++) {
    const ecosystem: Ecosystem = index % 3 === 2 ? 'npm' : 'PyPI';
    const minor = run === 2 && index % 50 === 7 ? 1 : 0;
    specs.push({ ecosystem, name: ecosystem === 'npm' ? `@bench/pkg-${index}` : `pkg-${index}`, version: `1.${minor}.${index % 10}`, root: index < 8, ...(index % 4 === 0 ? { repo: `org-${String(index % 20).padStart(2, '0')}/repo-${index % 1500}` } : {}) });
  }
  const nodes = specs.map((spec, index) => nodeOf(spec, run, index));
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (let index = 8; index < count; index++) {
    const parents = 1 + Math.floor(random() * 3);
    for (let parent = 0; parent < parents; parent++) {
      // Edges point from a lower index to a higher one: no cycle, every node reachable from the roots.
      const from = parent === 0 ? Math.floor(random() * Math.min(index, 8 + index / 4)) : Math.floor(random() * index);
      const key = `${from}>${index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const kind: EdgeKind = nodes[from]!.ecosystem === 'PyPI' && nodes[index]!.ecosystem === 'npm' ? 'bundles' : nodes[from]!.ecosystem !== nodes[index]!.ecosystem ? 'runtime' : random() < 0.05 ? 'optional' : 'runtime';
      edges.push({ from: nodes[from]!.purl, to: nodes[index]!.purl, requirement: '*', kind });
    }
  }
  return { nodes, edges, sources: [{ name: 'pypi', reachable: true }, { name: 'npm', reachable: true }], problems: [] };
}

// ---------------------------------------------------------------- findings

interface FindingJson {
  package: { ecosystem: string; name: string; version: string; purl: string };
  id: string;
  ids: string[];
  summary: string | null;
  severity: { level: string; score: number | null; vector: string | null; source: string; borrowedFrom: string | null };
  fixed: string[];
  locations: { path: string; line: number | null }[];
}

function finding(ecosystem: Ecosystem, name: string, version: string, id: string, aliases: string[], level: string, score: number | null, summary: string, fixed: string[]): FindingJson {
  return {
    package: { ecosystem, name, version, purl: purl(ecosystem, name, version) },
    id,
    ids: [id, ...aliases],
    summary,
    severity: { level, score, vector: score === null ? null : 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', source: score === null ? 'none' : 'CVSS_V3', borrowedFrom: null },
    fixed,
    locations: [],
  };
}

const HOSTILE_FINDING_SUMMARY = `urllib3's Proxy-Authorization header kept on cross-origin redirects ${HOSTILE_PAYLOADS.join(' ')}`;

function smallFindings(run: 1 | 2): FindingJson[] {
  const common = [
    finding('PyPI', 'jinja2', '3.1.3', 'GHSA-h75v-3vvj-5mfj', ['CVE-2024-34064'], 'high', 5.4, 'Jinja2 xmlattr filter accepts keys containing non-attribute characters', ['3.1.4']),
    finding('PyPI', 'requests', '2.31.0', 'GHSA-9wx4-h78v-vm56', ['CVE-2024-35195'], 'medium', 5.6, 'Requests Session object does not verify requests after making first request with verify=False', ['2.32.0']),
    finding('npm', 'ws', '8.17.0', 'GHSA-3h5v-q93c-6h6q', ['CVE-2024-37890'], 'high', 7.5, 'ws affected by a DoS when handling a request with many HTTP headers', ['5.2.4', '6.2.3', '7.5.10', '8.17.1']),
  ];
  if (run === 1) {
    return [...common, finding('PyPI', 'urllib3', '2.2.0', 'GHSA-34jh-p97f-mpxf', ['CVE-2024-37891'], 'medium', 4.4, "urllib3's Proxy-Authorization request header isn't stripped during cross-origin redirects", ['1.26.19', '2.2.2'])];
  }
  return [
    ...common,
    finding('npm', 'ws', '7.5.9', 'GHSA-3h5v-q93c-6h6q', ['CVE-2024-37890'], 'high', 7.5, 'ws affected by a DoS when handling a request with many HTTP headers', ['5.2.4', '6.2.3', '7.5.10', '8.17.1']),
    finding('PyPI', 'jupyter-server', '2.14.0', 'GHSA-c7vm-f5p4-8fqh', ['CVE-2026-21001'], 'critical', 9.6, 'Jupyter Server lets a crafted page open a terminal through a missing origin check', ['2.14.1', '2.15.0']),
    finding('PyPI', 'tornado', '6.4.1', 'GHSA-8w49-h785-mj3c', ['CVE-2024-52804'], 'medium', 5.3, 'Tornado has an HTTP cookie parsing DoS vulnerability', ['6.4.2']),
    finding('PyPI', 'urllib3', '2.2.1', 'GHSA-34jh-p97f-mpxf', ['CVE-2024-37891'], 'medium', 4.4, HOSTILE_FINDING_SUMMARY, ['1.26.19', '2.2.2']),
    finding('PyPI', 'markupsafe', '2.1.5', 'PYSEC-2026-112', [], 'low', 2.1, 'MarkupSafe escape() slow on very long strings', []),
    finding('PyPI', 'idna', '3.6', 'GHSA-jjg7-2v4v-x38h', ['CVE-2024-3651', 'PYSEC-2024-60'], 'unknown', null, 'Internationalized Domain Names in Applications (IDNA) vulnerable to denial of service from specially crafted inputs to idna.encode', ['3.7']),
  ];
}

function largeFindings(graph: BuiltGraph, run: 1 | 2): FindingJson[] {
  const levels = ['critical', 'high', 'medium', 'low', 'unknown'];
  const findings: FindingJson[] = [];
  graph.nodes.forEach((node, index) => {
    if (index % (run === 1 ? 40 : 37) !== 5) return;
    const level = levels[index % levels.length]!;
    findings.push(finding(node.ecosystem, node.name, node.version, `GHSA-b${String(index % 200).padStart(3, '0')}-bench-0000`, [], level, null, `bench advisory ${index % 200}`, [`${node.version.split('.')[0]}.9.0`]));
  });
  return findings;
}

/** The findings as the concerns step reads them (audit/concern-context.ts takes the matcher's own objects). */
function asGraphFindings(findings: FindingJson[], coverage: AdvisoryCoverage[]): GraphFindings {
  return {
    findings: findings.map((entry) => ({ package: entry.package, id: entry.id, severity: { level: entry.severity.level } })),
    coverage,
  } as unknown as GraphFindings;
}

function coverageOf(graph: BuiltGraph): AdvisoryCoverage[] {
  const count = (ecosystem: string) => graph.nodes.filter((node) => node.ecosystem === ecosystem).length;
  return [
    { ecosystem: 'PyPI', packages: count('PyPI'), advisories: 17342, newestModified: '2026-11-01T12:00:00Z', checked: true },
    { ecosystem: 'npm', packages: count('npm'), advisories: 21790, newestModified: '2026-11-01T12:00:00Z', checked: true },
  ] as AdvisoryCoverage[];
}

// ---------------------------------------------------------------- posture

const SUMMARIES: Record<string, Partial<Record<CheckOutcome, string>>> = {
  'dependency-update-tool': { pass: 'Dependabot updates every ecosystem the repository uses (pip, npm, github-actions).', partial: 'Dependabot updates github-actions only; pip is not covered.', fail: 'No dependency update tool is configured.' },
  'security-policy': { pass: 'SECURITY.md says how to report privately.', fail: 'No SECURITY.md in the repository or the organisation.' },
  'private-vulnerability-reporting': { pass: 'Private vulnerability reporting is on.', fail: 'Private vulnerability reporting is off.' },
  'pinned-actions': { pass: 'All 14 action references are pinned to full commit SHAs.', partial: 'Third-party actions are pinned, but 3 of 9 GitHub-owned action references are not pinned to a commit SHA.', fail: '5 of 12 third-party action references are not pinned to a commit SHA.' },
  'token-permissions': { pass: 'Every workflow declares read-only top-level permissions.', fail: '2 workflows run with the default write-all token.' },
  'dangerous-workflow': { pass: 'No workflow checks out untrusted code with secrets.', fail: 'pull_request_target checks out the pull request head in .github/workflows/ci.yml.' },
  'trusted-publishing': { pass: 'Releases are published with trusted publishing.', fail: 'A long-lived PYPI_TOKEN secret publishes releases.' },
  'branch-protection': { pass: 'The default branch requires reviews and status checks.', partial: 'The default branch requires reviews but allows force pushes.', fail: 'The default branch is not protected.' },
  maintained: { pass: 'Active: 42 commit(s) in the last 90 days (last 2026-11-01).', partial: 'No commit in the last 90 days; last activity 140 days ago.', fail: 'Abandoned: no commit or release for 800 days; no releases.' },
  'best-practices-badge': { pass: 'The OpenSSF Best Practices badge is passing.', fail: 'No OpenSSF Best Practices badge.' },
};

const NOT_AVAILABLE: Record<string, string> = {
  'best-practices-badge': 'The Best Practices badge was not looked up (give --best-practices).',
  'trusted-publishing': 'Who publishes the releases is unknown: the repository secrets could not be listed without admin rights.',
};

function checkResult(id: string, outcome: CheckOutcome, withFindings = true): CheckResult {
  const summary =
    outcome === 'not-available'
      ? (NOT_AVAILABLE[id] ?? 'The facts this check reads could not be collected.')
      : outcome === 'not-applicable'
        ? 'The repository has no workflow, so there is nothing to check.'
        : (SUMMARIES[id]?.[outcome] ?? SUMMARIES[id]?.fail ?? `${id}: ${outcome}`);
  return { id: id as CheckResult['id'], outcome, summary, findings: withFindings && (outcome === 'fail' || outcome === 'partial') ? [{ message: summary, file: '.github/workflows/ci.yml', line: 12 }] : [] };
}

/** Outcomes weighted as a real org's are: mostly pass, some partial or failing, a few unknown. */
function pickOutcome(value: number): CheckOutcome {
  if (value < 0.5) return 'pass';
  if (value < 0.63) return 'partial';
  if (value < 0.83) return 'fail';
  if (value < 0.95) return 'not-available';
  return 'not-applicable';
}

function hash(text: string): number {
  let value = 2166136261;
  for (let index = 0; index < text.length; index++) value = Math.imul(value ^ text.charCodeAt(index), 16777619);
  return (value >>> 0) / 4294967296;
}

const SMALL_REPOS = [
  'jupyter/notebook',
  'jupyter/jupyter_server',
  'jupyter/jupyter_core',
  'jupyter/jupyter_client',
  'jupyter/nbformat',
  'jupyter/nbconvert',
  'jupyter/notebook-shim',
  'jupyter/nbclassic-legacy',
  'jupyterlab/jupyterlab',
  'jupyterlab/lumino',
  'jupyterlab/jupyterlab_server',
  'jupyterlab/jupyterlab-git',
  'jupyterlab/extension-template',
  'jupyterlab/jupyter-collaboration',
  'jupyterlab/jupyterlab-desktop',
  'jupyterlab/maintainer-tools',
];

function repoPosture(repo: string, run: 1 | 2): PostureReport['repos'][number] {
  const checks = CHECK_IDS.map((id) => {
    let outcome = pickOutcome(hash(`${repo}/${id}`));
    // What changed between the runs: a regression and a fix.
    if (run === 2 && repo === 'jupyter/jupyter_server' && id === 'dependency-update-tool') outcome = 'fail';
    if (run === 1 && repo === 'jupyter/jupyter_server' && id === 'dependency-update-tool') outcome = 'pass';
    if (repo === 'jupyter/notebook' && id === 'pinned-actions') outcome = run === 1 ? 'fail' : 'pass';
    if (repo === 'jupyterlab/jupyterlab' && id === 'security-policy') outcome = 'pass';
    // Only the repositories below are archived or abandoned: the others are active or could not tell.
    if (id === 'maintained' && outcome === 'fail') outcome = 'pass';
    const result = checkResult(id, outcome);
    if (id === 'maintained' && repo === 'jupyter/nbclassic-legacy') return { ...checkResult(id, 'fail'), summary: 'The repository is archived.', findings: [{ message: 'the repository is archived', fix: 'Depend on a maintained fork, or vendor and maintain it yourself.' }] };
    if (id === 'maintained' && repo === 'jupyterlab/maintainer-tools') return { ...checkResult(id, 'fail') };
    if (id === 'branch-protection' && repo === 'jupyterlab/jupyterlab-desktop') {
      return { ...checkResult(id, 'fail'), waiver: { reason: 'release branches are protected by a ruleset the API does not show', approvedBy: 'security-council', expires: '2027-03-01' } };
    }
    if (id === 'token-permissions' && repo === 'jupyter/nbformat') {
      return { ...checkResult(id, 'partial'), waiver: { reason: 'the docs workflow needs pages: write', approvedBy: 'security-council', expires: '2026-11-20' } };
    }
    return result;
  });
  return { repo, checks };
}

function smallPosture(run: 1 | 2): PostureReport {
  return {
    repos: SMALL_REPOS.map((repo) => repoPosture(repo, run)),
    orgs: ORGS.map((org) => ({ org, checks: ORG_CHECK_IDS.map((id) => checkResult(id, pickOutcome(hash(`${org}:${id}`)))) })),
    expiredWaivers: run === 2 ? [{ repo: 'jupyter/nbconvert', check: 'pinned-actions', expires: '2026-11-01', reason: 'waiting for the release of a pinned fork' }] : [],
    sources: ORGS.map((org) => ({ name: `github:org/${org}`, reachable: true })),
  };
}

function largePosture(orgs: string[], reposPerOrg: number, run: 1 | 2): PostureReport {
  const repos: PostureReport['repos'] = [];
  for (const org of orgs) {
    for (let index = 0; index < reposPerOrg; index++) {
      const repo = `${org}/repo-${index}`;
      // Without findings: the bench's store stays near what 30,000 repositories' summaries weigh.
      repos.push({ repo, checks: CHECK_IDS.map((id) => checkResult(id, pickOutcome(hash(`${repo}/${id}/${run === 2 && index % 97 === 0 ? 2 : 1}`)), false)) });
    }
  }
  return {
    repos,
    orgs: orgs.map((org) => ({ org, checks: ORG_CHECK_IDS.map((id) => checkResult(id, pickOutcome(hash(`${org}:${id}`)))) })),
    expiredWaivers: [],
    sources: orgs.map((org) => ({ name: `github:org/${org}`, reachable: true })),
  };
}

// ---------------------------------------------------------------- the desk

const HOSTILE_DESCRIPTION = [
  '### Impact',
  '',
  'A crafted notebook runs script in the viewer. Proof of concept:',
  '',
  ...HOSTILE_PAYLOADS.map((payload) => `- ${payload}`),
  '',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '',
  '### Patches',
  '',
  'Fixed in 7.2.3; see [the release notes](https://github.com/jupyter/notebook/releases).',
].join('\n');

function deskAdvisory(fields: Partial<DeskAdvisory> & { id: string; owner: string; repo: string; createdAt: string }): DeskAdvisory {
  const ghsa = fields.id.startsWith('GHSA-') ? fields.id : null;
  return {
    ghsaId: ghsa,
    cveId: null,
    repositoryPublic: true,
    htmlUrl: ghsa ? `https://github.com/${fields.owner}/${fields.repo}/security/advisories/${ghsa}` : null,
    summary: 'Advisory',
    description: null,
    state: 'triage',
    updatedAt: fields.createdAt,
    publishedAt: null,
    closedAt: null,
    withdrawnAt: null,
    submissionAccepted: null,
    credits: [],
    collaboratingUsers: ['security-council-lead', 'maintainer-a'],
    collaboratingTeams: [],
    author: 'reporter-1',
    publisher: null,
    severity: 'high',
    cvss: [],
    cweIds: [],
    vulnerabilities: [],
    privateFork: null,
    references: [],
    origin: 'github-org',
    source: `GET /orgs/${fields.owner}/security-advisories`,
    ...fields,
  };
}

/** The desk's `advisories list` JSON as the audit saves it, at the run's clock. */
function deskPart(at: string, localPaths: string[]): unknown {
  const now = new Date(at);
  const advisories: DeskAdvisory[] = [
    deskAdvisory({
      id: 'GHSA-h4x0-r7xs-s5c1',
      owner: 'jupyter',
      repo: 'notebook',
      createdAt: '2026-11-01T09:00:00Z',
      summary: `Stored XSS in the notebook viewer <img src=x onerror="window.__xss=1">`,
      description: HOSTILE_DESCRIPTION,
      severity: 'critical',
      vulnerabilities: [{ ecosystem: 'pip', name: 'notebook', vulnerableVersionRange: '< 7.2.3', patchedVersions: '7.2.3', vulnerableFunctions: [] }],
    }),
    deskAdvisory({ id: 'GHSA-m2qf-9f3v-8x4q', owner: 'jupyterlab', repo: 'jupyterlab', createdAt: '2026-11-08T12:00:00Z', summary: 'Path traversal in the extension manager', description: 'An extension name with `..` reaches outside the **extensions** folder.' }),
    deskAdvisory({
      id: 'GHSA-p7w3-4c2f-hv9m',
      owner: 'jupyter',
      repo: 'jupyter_server',
      createdAt: '2026-08-20T08:00:00Z',
      updatedAt: '2026-08-21T10:00:00Z',
      state: 'draft',
      summary: 'Missing origin check on the terminals websocket',
      description: 'See the [report](https://github.com/jupyter/jupyter_server/security) for details.',
      severity: 'critical',
      vulnerabilities: [{ ecosystem: 'pip', name: 'jupyter-server', vulnerableVersionRange: '< 2.14.1', patchedVersions: null, vulnerableFunctions: [] }],
    }),
    deskAdvisory({
      id: 'GHSA-5r8x-2m4j-q6vw',
      owner: 'jupyterlab',
      repo: 'lumino',
      createdAt: '2026-06-02T08:00:00Z',
      updatedAt: '2026-07-01T08:00:00Z',
      state: 'published',
      publishedAt: '2026-07-01T08:00:00Z',
      cveId: 'CVE-2026-30012',
      summary: 'Prototype pollution in the command registry',
      severity: 'medium',
    }),
    deskAdvisory({
      id: 'MAIL-2026-003',
      owner: 'jupyter',
      repo: 'nbconvert',
      createdAt: '2026-10-30T15:00:00Z',
      summary: 'Reported by e-mail: template injection in the HTML exporter',
      description: 'Forwarded from security@: the reporter sent a notebook that runs code when converted.',
      origin: 'manual',
      source: `${localPaths[1]}:3`,
      collaboratingUsers: [],
      severity: null,
    }),
  ];
  // What earlier runs saw: the draft left triage on 2026-08-21.
  const observations: Record<string, AdvisoryObservation[]> = {
    'GHSA-p7w3-4c2f-hv9m': [
      { advisoryId: 'GHSA-p7w3-4c2f-hv9m', observedAt: '2026-08-20T09:00:00Z', state: 'triage', updatedAt: '2026-08-20T08:00:00Z' },
      { advisoryId: 'GHSA-p7w3-4c2f-hv9m', observedAt: '2026-08-21T11:00:00Z', state: 'draft', updatedAt: '2026-08-21T10:00:00Z' },
    ],
  };
  // Only what had been reported by the run's clock: the newest report is opened between the runs.
  const statuses = sortStatuses(advisories.filter((advisory) => advisory.createdAt <= at).map((advisory) => advisoryStatus(advisory, observations[advisory.id] ?? [], null, DEFAULT_DESK_POLICY, now, null)));
  return deskDocument({
    now: now.toISOString(),
    statuses,
    sources: [
      { name: 'github:org/jupyter', status: 'read', advisories: 3, note: null },
      { name: 'github:org/jupyterlab', status: 'repo-endpoints', advisories: 2, note: 'the token is not an owner or security manager of jupyterlab: each repository was asked' },
      { name: `dir:${localPaths[0]}`, status: 'read', advisories: 0, note: null },
      { name: `manual:${localPaths[1]}`, status: 'read', advisories: 1, note: null },
    ],
    duplicates: [],
  });
}

// ---------------------------------------------------------------- parts

function auditParts(graph: BuiltGraph, findings: FindingJson[], posture: PostureReport | null, desk: unknown, unreachable: { name: string; reachable: boolean; error: string }[] = []): RunPart[] {
  const coverage = coverageOf(graph);
  const concerns = rankConcerns(graph, { context: concernContext(asGraphFindings(findings, coverage), posture) });
  const step = (name: string, status: string, milliseconds: number, note: string | null = null) => ({ name, status, milliseconds, note });
  return [
    {
      name: 'steps',
      schemaVersion: 1,
      body: {
        steps: [
          step('graph', 'done', 41200),
          step('findings', 'done', 900),
          posture ? step('posture', 'done', 63100) : step('posture', 'skipped', 0, 'no orgs in the configuration and no --local checkouts'),
          desk ? step('advisories', 'done', 5400) : step('advisories', 'skipped', 0, 'no orgs in the configuration'),
          step('concerns', 'done', 300),
        ],
        sources: [
          { name: 'pypi', reachable: true, error: null },
          { name: 'npm', reachable: true, error: null },
          { name: 'advisory database', reachable: true, error: null },
          ...(posture ? ORGS.map((org) => ({ name: `github:org/${org}`, reachable: true, error: null })) : []),
          ...unreachable,
        ],
      },
    },
    { name: 'findings', schemaVersion: 1, body: { findings, coverage } },
    ...(posture ? [{ name: 'posture', schemaVersion: 1, body: posture }] : []),
    ...(desk ? [{ name: 'advisories', schemaVersion: 1, body: desk }] : []),
    { name: 'concerns', schemaVersion: 1, body: { rows: concerns.rows, ranked: concerns.ranked } },
  ];
}
