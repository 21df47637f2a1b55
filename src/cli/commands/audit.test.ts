/** `chainwatch audit` in-process: fake resolvers (no network), a small advisory database and a checkout made here, real SQLite history files. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { advisoryFixtureOrgs, DESK_BOT } from '../../../test/fake-github/fixtures.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { startLocalServer } from '../../../test/local-server.js';
import { buildZip } from '../../core/zip.fixture.js';
import { imageOf, writeLayout } from '../../image/image.fixture.js';
import { fixedClock } from '../../core/clock.js';
import type { EcosystemResolution, EcosystemResolver } from '../../graph/resolver.js';
import { openGraphStore } from '../../store/graph-store.js';
import { openSqliteStore } from '../../store/sqlite-store.js';
import { runAuditCommand, type AuditCommandOptions } from './audit.js';
import { captureIo, fakeDependencies, useTemporaryDirectory } from './command-fakes.fixture.js';

const dir = useTemporaryDirectory(beforeEach, afterEach);

interface AuditDocument {
  run: { id: number | null; started_at: string; identity: string; status: string };
  sources: { name: string; reachable: boolean; error: string | null }[];
  coverage: { ecosystem: string; packages: number; advisories: number; newest_modified: string | null; checked: boolean }[];
  graph: { nodes: number; edges: number } | null;
  findings: { package: { name: string; version: string }; id: string; severity: { level: string }; fixed: string[] }[];
  posture: { repos: { repo: string }[] } | null;
  advisories: unknown;
  concerns: { purl: string }[];
  steps: { name: string; status: string; note: string | null }[];
}

/** A config (orgs and roots), an advisory database with one PyPI record hitting jupyter-server 2.14.0, and one checkout. */
function setUp(roots: string): { config: string; options: (overrides?: Partial<AuditCommandOptions>) => AuditCommandOptions } {
  const config = join(dir.path, 'chainwatch.yaml');
  writeFileSync(config, `orgs: [jupyter]\npackages:\n${roots}`);
  const store = openSqliteStore(join(dir.path, 'advisories.sqlite'));
  store.importRecords([
    {
      id: 'GHSA-test-0001',
      modified: '2026-11-01T00:00:00Z',
      summary: 'jupyter-server leaks a token',
      affected: [{ package: { ecosystem: 'PyPI', name: 'jupyter-server' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.14.1' }] }] }],
      database_specific: { severity: 'HIGH' },
    },
  ]);
  store.close();
  const checkout = join(dir.path, 'checkouts', 'jupyter', 'widget');
  mkdirSync(join(checkout, '.github'), { recursive: true });
  writeFileSync(join(checkout, '.github', 'dependabot.yml'), 'version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n');
  writeFileSync(join(checkout, 'SECURITY.md'), 'Report to security@example.test\n');
  return {
    config,
    options: (overrides = {}) => ({
      config,
      env: [],
      local: [checkout],
      format: 'json',
      db: join(dir.path, 'advisories.sqlite'),
      history: join(dir.path, 'graph.sqlite'),
      ...overrides,
    }),
  };
}

describe('chainwatch audit', () => {
  it('runs every step, prints the JSON contract, saves one run with the config\'s identity and exits 0 when complete', async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n');
    const io = captureIo(dir.path);
    const code = await runAuditCommand(io, options(), fakeDependencies('2.14.0'));
    expect(io.err()).not.toContain('not reachable');
    expect(code).toBe(0);
    const document = JSON.parse(io.out()) as AuditDocument;
    expect(Object.keys(document)).toEqual(['run', 'sources', 'coverage', 'graph', 'findings', 'images', 'posture', 'advisories', 'concerns', 'steps', 'compared_with', 'changes', 'actions']);
    expect(document.run).toMatchObject({ id: 1, started_at: '2025-01-01T00:00:00.000Z', status: 'complete' });
    expect(document.graph).toEqual({ nodes: 2, edges: 1 });
    expect(document.findings.map((finding) => [finding.id, finding.package.name, finding.package.version, finding.severity.level, finding.fixed])).toEqual([
      ['GHSA-test-0001', 'jupyter-server', '2.14.0', 'high', ['2.14.1']],
    ]);
    expect(document.coverage).toEqual([{ ecosystem: 'PyPI', packages: 2, advisories: 1, newest_modified: '2026-11-01T00:00:00Z', checked: true }]);
    expect(document.posture?.repos.map((repo) => repo.repo)).toHaveLength(1);
    // No token: the desk is a stated gap, not a silent one.
    expect(document.advisories).toBeNull();
    expect(document.steps.map((step) => [step.name, step.status])).toEqual([
      ['graph', 'done'],
      ['findings', 'done'],
      ['images', 'skipped'],
      ['posture', 'done'],
      ['advisories', 'skipped'],
      ['concerns', 'done'],
    ]);
    expect(document.steps[2]!.note).toBe('no images configured (images: in the config)');
    expect(document.steps[4]!.note).toMatch(/no GH_TOKEN or GITHUB_TOKEN/);
    expect(document.concerns.length).toBeGreaterThan(0);
    // One line per step on a non-terminal.
    expect(io.err()).toMatch(/chainwatch: audit graph: done in [0-9.]+ s/);
    expect(io.err()).toMatch(/chainwatch: audit advisories: skipped/);

    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    const runs = store.listRuns();
    expect(runs.map((run) => [run.id, run.command, run.status, run.identity.key, run.identity.inputs.orgs, run.graph])).toEqual([[1, 'audit', 'complete', document.run.identity, ['jupyter'], { nodes: 2, edges: 1 }]]);
    expect(runs[0]!.parts.map((part) => part.name).sort()).toEqual(['concerns', 'findings', 'graph', 'posture', 'steps']);
    expect((store.readPart(1, 'findings')?.body as { findings: { id: string }[] }).findings.map((finding) => finding.id)).toEqual(['GHSA-test-0001']);
    store.close();
  });

  it('--fail-on exits 1 when a finding reaches the level, and names it', async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n');
    const io = captureIo(dir.path);
    expect(await runAuditCommand(io, options({ failOn: 'high', format: 'table' }), fakeDependencies('2.14.0'))).toBe(1);
    expect(io.err()).toContain('--fail-on high: 1 finding fails the gate');
    expect(io.err()).toContain('GHSA-test-0001  PyPI jupyter-server 2.14.0  high');
    expect(io.out()).toMatch(/^Audit run 1, 2025-01-01T00:00:00.000Z: complete\n/);
    expect(io.out()).toMatch(/findings +done .*1 finding; PyPI checked/);
    const clean = captureIo(dir.path);
    expect(await runAuditCommand(clean, options({ failOn: 'high' }), fakeDependencies('2.14.2'))).toBe(0);
  });

  it('names an unreachable source, keeps the other steps\' results, saves the run as partial and exits 2', async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n  conda: [jupyterlab]\n');
    const io = captureIo(dir.path);
    const code = await runAuditCommand(io, options({ format: 'markdown' }), fakeDependencies('2.14.0'));
    expect(code).toBe(2);
    expect(io.err()).toContain('chainwatch: source not reachable: conda-forge: conda-forge: connect ECONNREFUSED');
    // The root that did not resolve, said once as `graph` says it.
    expect(io.err()).toMatch(/chainwatch: pkg:conda\/jupyterlab[^\n]*: conda-forge: connect ECONNREFUSED\n/);
    expect(io.out()).toContain('status partial');
    expect(io.out()).toContain('conda-forge: connect ECONNREFUSED');
    expect(io.out()).toContain('Upgrade jupyter-server 2.14.0 to 2.14.1 or later');
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    expect(store.listRuns().map((run) => [run.command, run.status])).toEqual([['audit', 'partial']]);
    store.close();

    const json = captureIo(dir.path);
    expect(await runAuditCommand(json, options({ save: false }), fakeDependencies('2.14.0'))).toBe(2);
    const document = JSON.parse(json.out()) as AuditDocument;
    expect(document.run).toMatchObject({ id: null, status: 'partial' });
    expect(document.sources).toContainEqual({ name: 'conda-forge', reachable: false, error: 'conda-forge: connect ECONNREFUSED' });
    expect(document.findings).toHaveLength(1);
  });

  it('--no-save runs everything and leaves the history as it was; runs of one config share their identity', async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n');
    expect(await runAuditCommand(captureIo(dir.path), options({ save: false }), fakeDependencies('2.14.0'))).toBe(0);
    expect(existsSync(join(dir.path, 'graph.sqlite'))).toBe(false);
    const first = captureIo(dir.path);
    expect(await runAuditCommand(first, options(), fakeDependencies('2.14.0'))).toBe(0);
    const second = captureIo(dir.path);
    expect(await runAuditCommand(second, options(), fakeDependencies('2.14.2'))).toBe(0);
    const [a, b] = [first, second].map((io) => (JSON.parse(io.out()) as AuditDocument).run);
    expect([a!.id, b!.id]).toEqual([1, 2]);
    expect(a!.identity).toBe(b!.identity);
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    expect(store.previousRun(2)?.id).toBe(1);
    store.close();
  });

  it('offline without an advisory database: the findings step fails saying how to get one, the others go on, partial, exit 2; -o writes the report', async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n');
    const io = captureIo(dir.path);
    const output = join(dir.path, 'audit.json');
    expect(await runAuditCommand(io, options({ db: join(dir.path, 'missing.sqlite'), output, offline: true }), fakeDependencies('2.14.0'))).toBe(2);
    expect(io.out()).toBe('');
    const document = JSON.parse(readFileSync(output, 'utf8')) as AuditDocument;
    expect(document.run.status).toBe('partial');
    expect(document.steps.map((step) => [step.name, step.status])).toEqual([
      ['graph', 'done'],
      ['findings', 'failed'],
      ['images', 'skipped'],
      ['posture', 'done'],
      ['advisories', 'skipped'],
      ['concerns', 'done'],
    ]);
    expect(document.steps[1]!.note).toContain('chainwatch db update');
    expect(document.graph).toEqual({ nodes: 2, edges: 1 });
    expect(document.findings).toEqual([]);
    expect(io.err()).toMatch(/chainwatch: audit findings: failed in [0-9.]+ s: no advisory database at /);
  });

  it('without an advisory database: downloads the exports of the graph\'s ecosystems first, as scan does, and names what it could not reach', async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n');
    const record = { id: 'GHSA-down-0001', modified: '2026-11-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'jupyter-server' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.14.1' }] }] }], database_specific: { severity: 'CRITICAL' } };
    const exports = await startLocalServer((request, response) => {
      if (request.url === '/PyPI/all.zip') {
        response.writeHead(200, { 'content-type': 'application/zip' });
        response.end(Buffer.from(buildZip([{ name: 'GHSA-down-0001.json', data: Buffer.from(JSON.stringify(record)) }])));
      } else {
        response.writeHead(404).end();
      }
    });
    try {
      const io = captureIo(dir.path, { CHAINWATCH_OSV_URL: exports.origin });
      const database = join(dir.path, 'downloaded.sqlite');
      const downloadCode = await runAuditCommand(io, options({ db: database }), fakeDependencies('2.14.0'));
      expect(downloadCode).toBe(0);
      const document = JSON.parse(io.out()) as AuditDocument;
      expect(exports.requests).toEqual(['/PyPI/all.zip']);
      expect(document.steps[1]).toMatchObject({ name: 'findings', status: 'done' });
      expect(document.findings.map((entry) => `${entry.id} ${entry.severity.level}`)).toEqual(['GHSA-down-0001 critical']);
      expect(document.sources.filter((source) => !source.reachable)).toEqual([]);
      expect(document.sources).toContainEqual({ name: 'osv:PyPI', reachable: true, error: null });
      expect(existsSync(database)).toBe(true);

      // The exports gone: the findings step names them and the run is partial.
      await exports.close();
      const offlineIo = captureIo(dir.path, { CHAINWATCH_OSV_URL: exports.origin });
      expect(await runAuditCommand(offlineIo, options({ db: join(dir.path, 'unreached.sqlite') }), fakeDependencies('2.14.0'))).toBe(2);
      expect(existsSync(join(dir.path, 'unreached.sqlite'))).toBe(false);
      const partial = JSON.parse(offlineIo.out()) as AuditDocument;
      expect(partial.run.status).toBe('partial');
      expect(partial.sources.find((source) => source.name === 'osv:PyPI')).toMatchObject({ reachable: false });
    } finally {
      await exports.close();
    }
  });

  it('--profile names the identity the run is saved under; a bad profile name is bad input', async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n');
    const io = captureIo(dir.path);
    expect(await runAuditCommand(io, options({ profile: 'Weekly' }), fakeDependencies('2.14.0'))).toBe(0);
    expect((JSON.parse(io.out()) as AuditDocument).run.identity).toBe('profile:weekly');
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    expect(store.listRuns().map((run) => [run.identity.key, run.identity.inputs.orgs])).toEqual([['profile:weekly', ['jupyter']]]);
    store.close();
    const bad = captureIo(dir.path);
    expect(await runAuditCommand(bad, options({ profile: '../x' }), fakeDependencies('2.14.0'))).toBe(2);
    expect(bad.err()).toMatch(/not a profile name/);
    expect(bad.out()).toBe('');
  });

  it("ranks the checked repositories by the reach of their packages in this run's graph", async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n');
    const jupyterlab = { ecosystem: 'PyPI' as const, name: 'jupyterlab', version: '4.2.5', purl: 'pkg:pypi/jupyterlab@4.2.5', root: true, facts: { repositoryUrls: ['https://github.com/jupyter/widget'] } };
    const resolver: EcosystemResolver = {
      ecosystem: 'PyPI',
      sourceNames: ['pypi'],
      resolve: async (): Promise<EcosystemResolution> => ({ packages: [jupyterlab], edges: [], sources: [{ name: 'pypi', reachable: true }], problems: [] }),
    };
    const io = captureIo(dir.path);
    const dependencies = { clock: fixedClock('2025-01-01T00:00:00Z'), resolvers: async () => ({ resolvers: { PyPI: resolver }, close: async () => undefined }) };
    expect(await runAuditCommand(io, options({ save: false }), dependencies)).toBe(0);
    const posture = (JSON.parse(io.out()) as { posture: { importance: { repo: string; reason: string }[]; importance_note: string } }).posture;
    expect(posture.importance.map((entry) => entry.repo)).toEqual(['jupyter/widget']);
    expect(posture.importance_note).toContain('graph');
  });

  it("ranks concerns with the run's findings (severity borrowed from an alias) and the posture of the --local checkout behind a package", async () => {
    const { options } = setUp('  pypi: [jupyterlab]\n');
    const store = openSqliteStore(join(dir.path, 'advisories.sqlite'));
    store.importRecords([
      // A PyPA-style record without severity hitting jupyterlab 4.2.5; its GHSA alias (about another package) carries one.
      { id: 'PYSEC-2026-7', aliases: ['GHSA-test-0003'], modified: '2026-11-02T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'jupyterlab' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.2.6' }] }] }] },
      { id: 'GHSA-test-0003', aliases: ['PYSEC-2026-7'], modified: '2026-11-02T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'unrelated' }, versions: ['0.0.1'] }], database_specific: { severity: 'CRITICAL' } },
    ]);
    store.close();
    // The checkout publishes a Python package and runs an unpinned action: a check or two that do not pass.
    const checkout = join(dir.path, 'checkouts', 'jupyter', 'widget');
    writeFileSync(join(checkout, 'pyproject.toml'), '[project]\nname = "jupyterlab"\n');
    mkdirSync(join(checkout, '.github', 'workflows'));
    writeFileSync(join(checkout, '.github', 'workflows', 'ci.yml'), 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n');
    // jupyterlab's repository is the --local checkout (jupyter/widget); jupyter-server's was not in the posture run.
    const jupyterlab = { ecosystem: 'PyPI' as const, name: 'jupyterlab', version: '4.2.5', purl: 'pkg:pypi/jupyterlab@4.2.5', root: true, facts: { repositoryUrls: ['https://github.com/Jupyter/Widget'] } };
    const server = { ecosystem: 'PyPI' as const, name: 'jupyter-server', version: '2.14.0', purl: 'pkg:pypi/jupyter-server@2.14.0', root: false, facts: { repositoryUrls: ['https://github.com/jupyter-server/jupyter_server'] } };
    const resolver: EcosystemResolver = {
      ecosystem: 'PyPI',
      sourceNames: ['pypi'],
      resolve: async (): Promise<EcosystemResolution> => ({
        packages: [jupyterlab, server],
        edges: [{ from: jupyterlab.purl, to: server.purl, requirement: '>=2.4.0,<3', kind: 'runtime' }],
        sources: [{ name: 'pypi', reachable: true }],
        problems: [],
      }),
    };
    const io = captureIo(dir.path);
    const dependencies = { clock: fixedClock('2025-01-01T00:00:00Z'), resolvers: async () => ({ resolvers: { PyPI: resolver }, close: async () => undefined }) };
    expect(await runAuditCommand(io, options(), dependencies)).toBe(0);

    type Factor = { name: string; weight: number; value: number | null; detail: string };
    const document = JSON.parse(io.out()) as Omit<AuditDocument, 'posture' | 'concerns'> & {
      posture: { repos: { repo: string; checks: { id: string; outcome: string }[] }[] };
      concerns: { purl: string; weakness: { factors: Factor[]; known: number; total: number } }[];
    };
    const factors = (purl: string) => Object.fromEntries(document.concerns.find((row) => row.purl === purl)!.weakness.factors.map((factor) => [factor.name, factor]));
    const lab = factors(jupyterlab.purl);
    const serverFactors = factors(server.purl);

    // The findings, not the graph's own signal (which has no severity for the PyPA record: "unknown", 0.5), decide the advisories factor.
    expect(lab.advisories).toMatchObject({ value: 1, detail: '1 (critical, severity from the alias GHSA-test-0003): GHSA-test-0003' });
    expect(serverFactors.advisories).toMatchObject({ value: 0.8, detail: '1 (high): GHSA-test-0001' });

    // The checkout's posture, as the posture part reports it: the share of its evaluated checks that do not pass.
    expect(document.posture.repos.map((repo) => repo.repo.toLowerCase())).toEqual(['jupyter/widget']);
    const weights: Record<string, number> = { pass: 0, partial: 0.5, fail: 1 };
    const evaluated = document.posture.repos[0]!.checks.filter((check) => check.outcome in weights);
    const share = evaluated.reduce((sum, check) => sum + weights[check.outcome]!, 0) / evaluated.length;
    // (token-permissions 1 + dependency-update-tool 0.5 + pinned-actions 0.5 + security-policy 0 + dangerous-workflow 0) / 5
    expect(share).toBeCloseTo(0.4, 12);
    expect(lab.repositoryPosture).toEqual({
      name: 'repositoryPosture',
      weight: 1.5,
      value: 0.4,
      detail: 'jupyter/widget (claimed): fail: token-permissions; partial: dependency-update-tool, pinned-actions; 2 pass; 5 not evaluated',
    });
    expect(serverFactors.repositoryPosture).toMatchObject({ value: null, detail: 'repository not in the posture run: github.com/jupyter-server/jupyter_server' });
    expect(document.concerns[0]!.weakness.total).toBe(8);

    // The saved run's concerns part carries the same rows.
    const history = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    const saved = history.readPart(1, 'concerns')?.body as { rows: { purl: string; weakness: { factors: Factor[] } }[] };
    history.close();
    expect(saved.rows.find((row) => row.purl === jupyterlab.purl)!.weakness.factors.find((factor) => factor.name === 'repositoryPosture')).toEqual(lab.repositoryPosture);
  });

  it('is bad input without --preset or --config, and skips posture with the reason when there is neither token nor checkout', async () => {
    const io = captureIo(dir.path);
    expect(await runAuditCommand(io, { env: [], local: [], format: 'json' })).toBe(2);
    expect(io.err()).toContain('give --preset NAME or --config FILE');
    const { options } = setUp('  pypi: [jupyterlab]\n');
    const bare = captureIo(dir.path);
    expect(await runAuditCommand(bare, options({ local: [] }), fakeDependencies('2.14.0'))).toBe(0);
    const document = JSON.parse(bare.out()) as AuditDocument;
    expect(document.posture).toBeNull();
    expect(document.steps[3]).toMatchObject({ name: 'posture', status: 'skipped', note: 'no GH_TOKEN or GITHUB_TOKEN in the environment and no --local checkouts' });
  });
});

describe('chainwatch audit of the images the config lists', () => {
  it('scans each image against the same database, saves them as a part, counts them in the gate, and names an image it could not read', async () => {
    const { config, options } = setUp('  pypi: [jupyterlab]\n');
    const layout = writeLayout(
      join(dir.path, 'images', 'base'),
      imageOf([{ createdBy: 'RUN pip install jupyter-server==2.14.0', entries: [{ name: 'srv/requirements.txt', text: 'jupyter-server==2.14.0\n' }] }]),
    );
    writeFileSync(config, `${readFileSync(config, 'utf8')}images:\n  - ./images/base\n  - ./images/missing.tar\n`);
    const io = captureIo(dir.path);
    const code = await runAuditCommand(io, options({ failOn: 'high' }), fakeDependencies('2.14.2'));
    const document = JSON.parse(io.out()) as AuditDocument & { images: { source: string; packages: Record<string, number>; findings: { id: string; locations: { layer: number | null }[] }[] }[] };
    expect(document.images.map((entry) => [entry.source, entry.packages, entry.findings.map((finding) => `${finding.id}@${finding.locations[0]?.layer}`)])).toEqual([
      [layout, { PyPI: 1 }, ['GHSA-test-0001@0']],
      [join(dir.path, 'images', 'missing.tar'), {}, []],
    ]);
    // The graph's jupyter-server is fixed (2.14.2); the image still ships 2.14.0: the gate fails on the image.
    expect(document.findings).toEqual([]);
    expect(io.err()).toContain('GHSA-test-0001  PyPI jupyter-server 2.14.0  high');
    expect(document.steps.find((step) => step.name === 'images')).toMatchObject({ status: 'partial' });
    expect(document.sources).toEqual(expect.arrayContaining([expect.objectContaining({ name: `image ${join(dir.path, 'images', 'missing.tar')}`, reachable: false })]));
    // Partial (an image not read) outranks the gate.
    expect(code).toBe(2);
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    expect((store.readPart(1, 'images')?.body as { images: { source: string }[] }).images.map((entry) => entry.source)).toEqual([layout, join(dir.path, 'images', 'missing.tar')]);
    store.close();
  });
});

describe('chainwatch audit --offline with an image reference', () => {
  it('does not pull it: the image is a source not reached, saying why', async () => {
    const { config, options } = setUp('  pypi: [jupyterlab]\n');
    writeFileSync(config, `${readFileSync(config, 'utf8')}images:\n  - registry.example.test/org/app:1\n`);
    const io = captureIo(dir.path);
    expect(await runAuditCommand(io, options({ offline: true }), fakeDependencies('2.14.2'))).toBe(2);
    const document = JSON.parse(io.out()) as AuditDocument & { images: { source: string; image: unknown }[] };
    expect(document.sources).toContainEqual({ name: 'image registry.example.test/org/app:1', reachable: false, error: 'offline: image references are not pulled' });
    expect(document.images).toEqual([expect.objectContaining({ source: 'registry.example.test/org/app:1', image: null })]);
  });
});

describe('chainwatch audit with a token (the fake GitHub)', () => {
  const TOKEN = 'ghp_AuditCli0Token1Value2Abcdefghijklmno';
  let fake: FakeGithub;
  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: advisoryFixtureOrgs({ busyAdvisories: 0 }), tokens: { [TOKEN]: DESK_BOT } });
  });
  afterAll(() => fake.close());

  it("checks the config's orgs through the API and reads their advisories with the desk", async () => {
    const config = join(dir.path, 'chainwatch.yaml');
    writeFileSync(config, 'orgs: [desk-lab]\npackages:\n  pypi: [jupyterlab]\n');
    const store = openSqliteStore(join(dir.path, 'advisories.sqlite'));
    store.importRecords([{ id: 'GHSA-test-0002', modified: '2026-11-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'nothing-here' } }] }]);
    store.close();
    const io = {
      ...captureIo(dir.path),
      env: {
        GH_TOKEN: TOKEN,
        GITHUB_API_URL: fake.url,
        CHAINWATCH_DISCLOSURE_DB: join(dir.path, 'desk.sqlite'),
        CHAINWATCH_GITHUB_CACHE: join(dir.path, 'github.sqlite'),
        CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'),
      },
    };
    const code = await runAuditCommand(io, { config, env: [], local: [], format: 'json', db: join(dir.path, 'advisories.sqlite'), history: join(dir.path, 'graph.sqlite') }, fakeDependencies('2.14.0'));
    const document = JSON.parse(io.out()) as AuditDocument & { advisories: { advisories: { id: string; repo: string }[] } | null };
    expect(document.steps.map((step) => [step.name, step.status])).toEqual([
      ['graph', 'done'],
      ['findings', 'done'],
      ['images', 'skipped'],
      ['posture', 'done'],
      ['advisories', 'done'],
      ['concerns', 'done'],
    ]);
    expect(code).toBe(0);
    expect(document.posture!.repos.map((repo) => repo.repo)).toContain('desk-lab/server');
    expect(document.advisories!.advisories.map((advisory) => advisory.repo)).toContain('desk-lab/server');
    expect(document.findings).toEqual([]);
    expect(`${io.out()}${io.err()}`).not.toContain(TOKEN);
  });
});
