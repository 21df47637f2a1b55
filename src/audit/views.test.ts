import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeFixture, type ServeFixture } from '../../test/serve-fixture.js';
import type { BuiltGraph } from '../graph/build.js';
import { openGraphStore, type GraphStore } from '../store/graph-store.js';
import { auditParts, saveAudit } from './report-history.fixture.js';
import {
  checkDocumentation,
  concernRows,
  deskRows,
  findingsByAdvisory,
  graphView,
  latestAuditRun,
  listProfiles,
  listRunSummaries,
  packageDetail,
  pathsFromRoots,
  postureMatrix,
} from './views.js';

const directory = mkdtempSync(path.join(tmpdir(), 'views-'));
let fixture: ServeFixture;
let history: GraphStore;

beforeAll(() => {
  fixture = buildServeFixture(path.join(directory, 'graph.sqlite'));
  history = openGraphStore(fixture.path, { readonly: true });
});
afterAll(() => {
  history.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('runs and profiles', () => {
  it('lists the identities with audit runs, newest first, and `latest` is the default identity’s newest audit', () => {
    const profiles = listProfiles(history);
    expect(profiles.map((profile) => [profile.identity, profile.latest.id, profile.runs])).toEqual([
      [fixture.identity, fixture.runs.second, 2],
      [fixture.otherIdentity, fixture.runs.other, 1],
    ]);
    expect(profiles[0]!.label).toBe('preset:jupyter');
    expect(profiles[1]!.label).toBe('profile lab-extensions');
    expect(profiles[0]!.latest).toMatchObject({ command: 'audit', status: 'partial', packages: 69, tool_version: '0.0.0-test' });
    expect(profiles[0]!.latest.parts).toEqual(expect.arrayContaining(['graph', 'steps', 'findings', 'posture', 'advisories', 'concerns']));
    expect(latestAuditRun(history)).toBe(fixture.runs.second);
    expect(listRunSummaries(history, fixture.identity).map((run) => run.id)).toEqual([fixture.runs.first, fixture.runs.second]);
    expect(listRunSummaries(history).map((run) => run.id)).toEqual([1, 2, 3]);
  });

  it('prefers an identity that is not ad hoc for `latest`, and has none without audit runs', () => {
    const store = openGraphStore(':memory:');
    try {
      expect(latestAuditRun(store)).toBeNull();
      const preset = saveAudit(store, '2026-11-02T06:00:00Z', null, auditParts({}));
      saveAudit(store, '2026-11-03T06:00:00Z', null, auditParts({}), { label: 'command line', roots: ['pkg:pypi/requests'] });
      expect(latestAuditRun(store)).toBe(preset);
    } finally {
      store.close();
    }
  });
});

describe('graph view', () => {
  it('marks vulnerable packages with their worst severity, the concern rank, and keeps the cross-ecosystem edges', () => {
    const view = graphView(history, fixture.runs.second)!;
    expect(view.available).toBe(true);
    expect(view.nodes).toHaveLength(69);
    const critical = view.nodes.find((node) => node.id === fixture.packages.critical)!;
    expect(critical).toMatchObject({ root: true, vulnerable: true, severity: 'critical', ecosystem: 'PyPI' });
    expect(critical.concern_rank).toBeGreaterThanOrEqual(1);
    expect(view.nodes.find((node) => node.name === 'six')).toBeUndefined();
    expect(view.nodes.find((node) => node.name === 'packaging')).toMatchObject({ vulnerable: false, severity: null });
    // Edges point into the nodes and the kinds by index.
    const named = view.edges.map(([from, to, kind]) => ({ from: view.nodes[from]!.id, to: view.nodes[to]!.id, kind: view.edge_kinds[kind] }));
    expect(named).toContainEqual({ from: 'pkg:pypi/jupyterlab@4.2.5', to: 'pkg:npm/%40jupyterlab/application@4.2.5', kind: 'bundles' });
    expect(named).toHaveLength(view.edges.length);
    expect(new Set(view.nodes.map((node) => node.concern_rank)).size).toBe(69);
  });

  it('says why a run has no graph, and null for a run that does not exist', () => {
    const store = openGraphStore(':memory:');
    try {
      const id = saveAudit(store, '2026-11-02T06:00:00Z', null, auditParts({}));
      expect(graphView(store, id)).toEqual({ run: id, available: false, reason: `run ${id} saved no graph`, nodes: [], edge_kinds: [], edges: [] });
      expect(graphView(store, 99)).toBeNull();
    } finally {
      store.close();
    }
  });
});

describe('package detail', () => {
  it('gives versions, signals, findings, concern, repository with its posture, paths from the roots and neighbours', () => {
    const detail = packageDetail(history, fixture.runs.second, fixture.packages.critical);
    if (typeof detail === 'string') throw new Error(detail);
    expect(detail).toMatchObject({ purl: fixture.packages.critical, name: 'jupyter-server', version: '2.14.0', versions_in_graph: ['2.14.0'], root: true });
    expect(detail.findings.map((finding) => finding.id)).toEqual(['GHSA-c7vm-f5p4-8fqh']);
    expect(detail.concern).toMatchObject({ purl: fixture.packages.critical });
    expect(detail.repository).toMatchObject({ url: 'https://github.com/jupyter/jupyter_server', repo: 'jupyter/jupyter_server' });
    expect(detail.repository!.posture!.checks.find((check) => check.id === 'dependency-update-tool')).toMatchObject({ outcome: 'fail' });
    expect(detail.signals.maintainers).toMatchObject({ known: true });
    // A root is installed because it is one.
    expect(detail.paths).toEqual([[fixture.packages.critical]]);
    expect(detail.dependents).toEqual(['pkg:pypi/jupyterlab-server@2.27.3', 'pkg:pypi/jupyterlab@4.2.5', 'pkg:pypi/notebook-shim@0.2.4', 'pkg:pypi/notebook@7.2.2']);
    expect(detail.dependencies).toContain('pkg:pypi/tornado@6.4.1');
  });

  it('lists at most 20 paths, the shortest first, root first, each ending at the package', () => {
    const detail = packageDetail(history, fixture.runs.second, 'pkg:pypi/traitlets@5.14.3');
    if (typeof detail === 'string') throw new Error(detail);
    expect(detail.paths.length).toBe(20);
    expect(detail.more_paths).toBe(true);
    const lengths = detail.paths.map((entry) => entry.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    for (const entry of detail.paths) {
      expect(entry.at(-1)).toBe('pkg:pypi/traitlets@5.14.3');
      expect(detail.paths.filter((other) => other.join() === entry.join())).toHaveLength(1);
      expect(new Set(entry).size).toBe(entry.length);
    }
    expect(detail.paths[0]).toEqual(['pkg:pypi/ipywidgets@8.1.3', 'pkg:pypi/traitlets@5.14.3']);
  });

  it('follows cross-ecosystem edges down to an npm package a wheel bundles', () => {
    const detail = packageDetail(history, fixture.runs.second, 'pkg:npm/js-tokens@4.0.0');
    if (typeof detail === 'string') throw new Error(detail);
    expect(detail.more_paths).toBe(false);
    expect(detail.paths[0]).toEqual(['pkg:pypi/jupyterlab@4.2.5', 'pkg:npm/%40jupyterlab/application@4.2.5', 'pkg:npm/%40jupyterlab/apputils@4.3.5', 'pkg:npm/react-dom@18.3.1', 'pkg:npm/loose-envify@1.4.0', 'pkg:npm/js-tokens@4.0.0']);
    expect(detail.paths.every((entry) => ['pkg:pypi/jupyterlab@4.2.5', 'pkg:pypi/notebook@7.2.2'].includes(entry[0]!))).toBe(true);
  });

  it('says which of run and package is missing', () => {
    expect(packageDetail(history, 99, fixture.packages.critical)).toBe('no-run');
    expect(packageDetail(history, fixture.runs.second, 'pkg:pypi/six@1.16.0')).toBe('no-package');
    expect(packageDetail(history, fixture.runs.first, 'pkg:pypi/six@1.16.0')).toMatchObject({ name: 'six' });
  });
});

describe('pathsFromRoots', () => {
  const node = (name: string, root = false) => ({ purl: `pkg:pypi/${name}@1`, ecosystem: 'PyPI' as const, name, version: '1', root, signals: {} });
  const graphOf = (names: string[], roots: string[], edges: [string, string, string?][]): { graph: BuiltGraph } => ({
    graph: {
      nodes: names.map((name) => node(name, roots.includes(name))),
      edges: edges.map(([from, to, kind]) => ({ from: `pkg:pypi/${from}@1`, to: `pkg:pypi/${to}@1`, requirement: '*', kind: (kind ?? 'runtime') as 'runtime' })),
      sources: [],
      problems: [],
    },
  });
  const names = (paths: string[][]) => paths.map((entry) => entry.map((purl) => purl.slice('pkg:pypi/'.length, -2)).join('>'));

  it('enumerates simple paths in length order through cycles, and leaves dev edges out', () => {
    const graph = graphOf(['r', 's', 'a', 'b', 'c', 't'], ['r', 's'], [['r', 'a'], ['a', 'b'], ['b', 'a'], ['b', 't'], ['a', 't'], ['s', 'c'], ['c', 't'], ['r', 't', 'dev'], ['c', 'b']]);
    expect(names(pathsFromRoots(graph, 'pkg:pypi/t@1').paths)).toEqual(['r>a>t', 's>c>t', 'r>a>b>t', 's>c>b>t', 's>c>b>a>t']);
    expect(pathsFromRoots(graph, 'pkg:pypi/t@1', 2)).toEqual({ paths: [expect.any(Array), expect.any(Array)], more: true });
  });

  // A search that enumerated the 2^60 paths would never end: the suite's time limit fails it. How fast it is belongs to the bench.
  it('answers with a bounded number of paths on a graph with exponentially many', () => {
    // A ladder of 60 diamonds: 2^60 paths from the root to the bottom.
    const rungs = Array.from({ length: 61 }, (_, index) => `n${index}`);
    const sides = rungs.slice(0, -1).flatMap((name, index) => [`${name}l`, `${name}r`].map((side) => [[name, side], [side, rungs[index + 1]!]] as [string, string][])).flat();
    const graph = graphOf([...rungs, ...rungs.slice(0, -1).flatMap((name) => [`${name}l`, `${name}r`])], ['n0'], sides);
    const { paths, more } = pathsFromRoots(graph, 'pkg:pypi/n60@1');
    expect(paths).toHaveLength(20);
    expect(more).toBe(true);
    expect(paths.every((entry) => entry.length === 121)).toBe(true);
  });

  it('has no path to a package only a dev edge reaches', () => {
    expect(pathsFromRoots(graphOf(['r', 't'], ['r'], [['r', 't', 'dev']]), 'pkg:pypi/t@1')).toEqual({ paths: [], more: false });
  });
});

describe('findings by advisory', () => {
  it('groups packages under one advisory, worst first, with the lowest fixing version of each', () => {
    const view = findingsByAdvisory(history, fixture.runs.second)!;
    expect(view.advisories.map((group) => [group.id, group.severity])).toEqual([
      ['GHSA-c7vm-f5p4-8fqh', 'critical'],
      ['GHSA-3h5v-q93c-6h6q', 'high'],
      ['GHSA-h75v-3vvj-5mfj', 'high'],
      ['GHSA-34jh-p97f-mpxf', 'medium'],
      ['GHSA-8w49-h785-mj3c', 'medium'],
      ['GHSA-9wx4-h78v-vm56', 'medium'],
      ['PYSEC-2026-112', 'low'],
      ['GHSA-jjg7-2v4v-x38h', 'unknown'],
    ]);
    const ws = view.advisories[1]!;
    expect(ws.ids).toEqual(['CVE-2024-37890', 'GHSA-3h5v-q93c-6h6q']);
    expect(ws.packages.map((entry) => [entry.purl, entry.fix])).toEqual([
      ['pkg:npm/ws@7.5.9', '7.5.10'],
      ['pkg:npm/ws@8.17.0', '8.17.1'],
    ]);
    expect(view.advisories.find((group) => group.id === 'PYSEC-2026-112')!.packages[0]!.fix).toBeNull();
    expect(view.advisories.find((group) => group.id === fixture.hostileFindingId)!.summary).toContain('<script>');
  });
});

describe('posture matrix', () => {
  it('gives each cell outcome, reason, docs link and waiver; archived and inactive repositories; coverage per org', () => {
    const view = postureMatrix(history, fixture.runs.second, (anchor) => `/docs/checks#${anchor}`)!;
    expect(view.checks[0]).toBe('dependency-update-tool');
    expect(view.checks).toHaveLength(10);
    expect(view.repos).toHaveLength(16);
    const archived = view.repos.filter((repo) => repo.archived);
    expect(archived.map((repo) => repo.repo)).toEqual([fixture.archivedRepo]);
    expect(view.repos.filter((repo) => repo.inactive).map((repo) => repo.repo)).toEqual([fixture.archivedRepo, 'jupyterlab/maintainer-tools']);
    const desktop = view.repos.find((repo) => repo.repo === 'jupyterlab/jupyterlab-desktop')!;
    expect(desktop.org).toBe('jupyterlab');
    expect(desktop.checks['branch-protection']).toMatchObject({ outcome: 'fail', docs: '/docs/checks#check-branch-protection', waiver: { expires: '2027-03-01', expired: false, approved_by: 'security-council' } });
    expect(view.repos.find((repo) => repo.repo === 'jupyter/nbconvert')!.checks['pinned-actions']!.waiver).toMatchObject({ expired: true, expires: '2026-11-01' });
    expect(view.orgs.map((org) => org.org)).toEqual(['jupyter', 'jupyterlab']);
    const outcomes = new Set(view.repos.flatMap((repo) => Object.values(repo.checks).map((cell) => cell.outcome)));
    expect(outcomes).toEqual(new Set(['pass', 'partial', 'fail', 'not-available', 'not-applicable']));
    const coverage = view.coverage.find((entry) => entry.check === 'security-policy')!;
    expect(coverage.percent).toBe(Math.round((coverage.pass / (coverage.pass + coverage.partial + coverage.fail)) * 1000) / 10);
    expect(view.expired_waivers).toHaveLength(1);
  });

  it('says archived is unknown when the check could not ask the forge (a local checkout), and infers it for runs saved before the check said', () => {
    const store = openGraphStore(':memory:');
    try {
      const maintained = (archived: boolean | null | undefined, outcome: string, summary: string) => ({ id: 'maintained', outcome, summary, findings: [], ...(archived === undefined ? {} : { archived }) });
      const report = {
        repos: [
          { repo: 'o/local', checks: [maintained(null, 'pass', 'Active')] },
          { repo: 'o/api', checks: [maintained(false, 'pass', 'Active')] },
          { repo: 'o/gone', checks: [maintained(true, 'fail', 'The repository is archived.')] },
          { repo: 'o/old-run', checks: [maintained(undefined, 'pass', 'Active')] },
          { repo: 'o/unknown', checks: [maintained(null, 'not-available', 'Commit and release history is unknown')] },
        ],
        orgs: [],
        expiredWaivers: [],
        sources: [],
      };
      const id = saveAudit(store, '2026-11-02T06:00:00Z', null, auditParts({ posture: report as never }));
      const flags = postureMatrix(store, id)!.repos.map((repo) => [repo.repo, repo.archived, repo.inactive]);
      expect(flags).toEqual([
        ['o/local', null, false],
        ['o/api', false, false],
        ['o/gone', true, true],
        ['o/old-run', false, false],
        ['o/unknown', null, null],
      ]);
    } finally {
      store.close();
    }
  });

  it('links every check to its row of the README check table by default, and documents each check', () => {
    const view = postureMatrix(history, fixture.runs.second)!;
    expect(view.repos[0]!.checks.maintained!.docs).toBe('README.md#check-maintained');
    const docs = checkDocumentation();
    expect(docs.map((entry) => entry.id)).toContain('org-two-factor');
    expect(docs.find((entry) => entry.id === 'pinned-actions')).toMatchObject({ anchor: 'check-pinned-actions', title: 'Actions are pinned to full commit SHAs' });
  });

  it('is not available, with the step’s reason, when posture did not run', () => {
    expect(postureMatrix(history, fixture.runs.other)).toMatchObject({ available: false, reason: `the posture step was skipped in run ${fixture.runs.other}: no orgs in the configuration and no --local checkouts`, repos: [] });
  });
});

describe('desk and concerns', () => {
  it('gives the desk rows with their clocks and the hostile text as it came, but no local path', () => {
    const view = deskRows(history, fixture.runs.second)!;
    expect(view.available).toBe(true);
    const hostile = view.advisories.find((row) => row.id === fixture.hostileDeskId)!;
    expect(hostile.description).toContain('<svg onload="window.__xss=1">');
    expect(hostile).toMatchObject({ clocks: { acknowledge: { status: 'overdue' } } });
    const manual = view.advisories.find((row) => row.id === 'MAIL-2026-003')!;
    expect(manual.source).toBe('manual.yaml:3');
    expect(JSON.stringify(view)).not.toContain(directory);
    expect(deskRows(history, fixture.runs.other)).toMatchObject({ available: false, reason: `the advisories step was skipped in run ${fixture.runs.other}: no orgs in the configuration`, advisories: [] });
  });

  it('gives the concerns rows with every factor', () => {
    const view = concernRows(history, fixture.runs.second)!;
    expect(view.ranked).toBe(69);
    expect(view.rows[0]).toMatchObject({ rank: 1, weakness: { factors: expect.arrayContaining([expect.objectContaining({ name: 'repositoryPosture' })]) } });
    expect(concernRows(history, 99)).toBeNull();
  });
});
