/** `chainwatch posture` in-process: the shared checkouts (local), the fake GitHub server (API), waivers, importance. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-harness.js';
import { refusingOrigin, unresolvingFetch } from '../../../test/local-server.js';
import { FIXTURE_NOW, fixtureOrgs, SHARED_PROJECTS } from '../../../test/fake-github/fixtures.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { fixedClock } from '../../core/clock.js';
import { toPurl } from '../../core/package.js';
import type { EcosystemResolution, EcosystemResolver, ResolvedPackage } from '../../graph/resolver.js';
import { openGraphStore } from '../../store/graph-store.js';
import { createGithubCollector, type GithubCollectorOptions } from '../../posture/collect/github.js';
import { NO_TOKEN } from '../posture-wiring.js';
import { TOOL_VERSION } from '../version.js';
import { captureIo, useTemporaryDirectory } from './command-fakes.fixture.js';
import { runGraph, type GraphDependencies } from './graph.js';
import { parseWaitDuration, runPosture, type PostureCommandOptions } from './posture.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

const TOKEN = 'ghp_Pq7Wm2Xc9Vb4Nz1Lk8Jh3Gf6Ds5Aa0Ss9Dd2';
const clock = fixedClock(FIXTURE_NOW);
const dir = useTemporaryDirectory(beforeEach, afterEach);
const PRESET = new URL('../../config/presets/jupyter.yaml', import.meta.url).pathname;

function io(env: NodeJS.ProcessEnv = {}) {
  const captured = captureIo(dir.path);
  // Caches and histories in the test's own folder, never the user's.
  captured.env = { CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'), CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite'), ...env };
  return captured;
}

function options(overrides: Partial<PostureCommandOptions>): PostureCommandOptions {
  return { org: [], local: [], check: [], format: 'json', failOn: 'fail', ...overrides };
}

type Json = { repos: { repo: string; checks: { id: string; outcome: string; waiver?: object }[] }[]; orgs: { org: string; checks: { id: string; outcome: string }[] }[]; expiredWaivers: object[]; sources: object[] };

function outcomes(document: Json, check: string): Record<string, string> {
  return Object.fromEntries(document.repos.map((repo) => [repo.repo, repo.checks.find((entry) => entry.id === check)?.outcome ?? 'missing']));
}

describeWithSharedData('chainwatch posture --local (the 12 shared repositories)', () => {
  it('evaluates every check; Dependabot coverage as read from their files; API-only checks not-available', async () => {
    const captured = io();
    const code = await runPosture(captured, options({ local: [SHARED_PROJECTS] }), { clock });
    const document = JSON.parse(captured.out()) as Json;
    expect(document.repos).toHaveLength(12);
    expect(document.sources).toEqual([{ name: 'local', reachable: true }]);
    expect(outcomes(document, 'dependency-update-tool')).toEqual({
      'conda-forge/jupyterlab-feedstock': 'not-applicable', // a conda recipe only: no update tool reads it
      'ipython/ipykernel': 'pass',
      'jupyter-server/jupyter_server': 'partial', // npm (package.json with dependencies) not configured
      'jupyter-widgets/ipywidgets': 'partial', // github-actions not configured
      'jupyter/docker-stacks': 'pass',
      'jupyter/jupyter_client': 'pass',
      'jupyter/nbconvert': 'partial', // pip not configured
      'jupyter/nbformat': 'pass',
      'jupyter/notebook': 'partial', // npm not configured
      'jupyterhub/jupyterhub': 'partial', // pip not configured
      'jupyterlab/jupyterlab': 'pass', // github-actions, pip and npm
      'jupyterlab/lumino': 'partial', // npm not configured
    });
    expect(new Set(Object.values(outcomes(document, 'private-vulnerability-reporting')))).toEqual(new Set(['not-available']));
    expect(new Set(Object.values(outcomes(document, 'branch-protection')))).toEqual(new Set(['not-available']));
    // The five with a SECURITY.md of their own.
    const policy = outcomes(document, 'security-policy');
    expect(Object.keys(policy).filter((repo) => policy[repo] === 'pass')).toEqual(['jupyter/docker-stacks', 'jupyter/jupyter_client', 'jupyter/nbconvert', 'jupyter/nbformat', 'jupyterhub/jupyterhub']);
    expect(code).toBe(1);
  });

  it.each([
    ['never', 0],
    ['fail', 1],
  ] as const)('--fail-on %s exits %i', async (failOn, expected) => {
    expect(await runPosture(io(), options({ local: [join(SHARED_PROJECTS, 'jupyter/nbconvert')], failOn }), { clock })).toBe(expected);
  });

  it('--fail-on partial counts partial results; fail does not', async () => {
    const only = { local: [join(SHARED_PROJECTS, 'jupyter/notebook')], check: ['dependency-update-tool'] };
    expect(await runPosture(io(), options({ ...only, failOn: 'fail' }), { clock })).toBe(0);
    expect(await runPosture(io(), options({ ...only, failOn: 'partial' }), { clock })).toBe(1);
  });

  it('--check keeps only the columns asked for', async () => {
    const captured = io();
    await runPosture(captured, options({ local: [join(SHARED_PROJECTS, 'jupyter')], check: ['pinned-actions', 'dependency-update-tool'], format: 'table' }), { clock });
    expect(captured.out().split('\n').slice(0, 2)).toEqual(['Repository              dep-updates  pinned', 'jupyter/docker-stacks   pass         pass']);
  });

  it('the Markdown report follows the config packages’ order and names what to add', async () => {
    const captured = io();
    await runPosture(captured, options({ local: [SHARED_PROJECTS], config: PRESET, format: 'markdown' }), { clock });
    const markdown = captured.out();
    const summaryRows = markdown.split('\n').filter((line) => /^\| `[^`]+\/[^`]+` \|/.test(line)).map((line) => /^\| `([^`]+)`/.exec(line)![1]);
    // jupyterlab, notebook, jupyterhub, jupyter-server, ipywidgets, nbconvert, ipykernel, jupyter-client, nbformat (PyPI list),
    // lumino (@lumino/widgets, npm list); then the two no package names, by name.
    expect(summaryRows).toEqual([
      'jupyterlab/jupyterlab',
      'jupyter/notebook',
      'jupyterhub/jupyterhub',
      'jupyter-server/jupyter_server',
      'jupyter-widgets/ipywidgets',
      'jupyter/nbconvert',
      'ipython/ipykernel',
      'jupyter/jupyter_client',
      'jupyter/nbformat',
      'jupyterlab/lumino',
      'conda-forge/jupyterlab-feedstock',
      'jupyter/docker-stacks',
    ]);
    expect(markdown).toContain("Repositories are listed most important first (importance from the order of the config's packages)");
    expect(markdown).toContain('  - add to `.github/dependabot.yaml`: `pip` (`/`)');
    expect(markdown).toContain('    - `manics/action-sphinx-linkcheck-summary@main`: `.github/workflows/test-docs.yml:92`');
  });

  it('--importance puts the listed repositories first', async () => {
    const list = join(dir.path, 'importance.yaml');
    writeFileSync(list, '- jupyter/nbformat\n- jupyter/notebook\n');
    const captured = io();
    await runPosture(captured, options({ local: [join(SHARED_PROJECTS, 'jupyter')], importance: list }), { clock });
    expect((JSON.parse(captured.out()) as Json).repos.map((repo) => repo.repo)).toEqual(['jupyter/nbformat', 'jupyter/notebook', 'jupyter/docker-stacks', 'jupyter/jupyter_client', 'jupyter/nbconvert']);
  });

  it('waivers mark results and expired ones are listed, not applied', async () => {
    const waivers = join(dir.path, 'waivers.yaml');
    writeFileSync(
      waivers,
      [
        'waivers:',
        '  - { repo: jupyter/nbconvert, check: dependency-update-tool, reason: pip pinned by hatch, approved-by: council, expires: 2027-01-01 }',
        '  - { repo: jupyter/notebook, check: dependency-update-tool, reason: old, approved-by: council, expires: 2026-01-01 }',
        '',
      ].join('\n'),
    );
    const captured = io();
    await runPosture(captured, options({ local: [join(SHARED_PROJECTS, 'jupyter')], waivers, check: ['dependency-update-tool'] }), { clock });
    const document = JSON.parse(captured.out()) as Json;
    const nbconvert = document.repos.find((repo) => repo.repo === 'jupyter/nbconvert')!.checks[0]!;
    expect(nbconvert).toMatchObject({ outcome: 'partial', waiver: { reason: 'pip pinned by hatch', approvedBy: 'council', expires: '2027-01-01' } });
    expect(document.repos.find((repo) => repo.repo === 'jupyter/notebook')!.checks[0]!.waiver).toBeUndefined();
    expect(document.expiredWaivers).toEqual([{ repo: 'jupyter/notebook', check: 'dependency-update-tool', expires: '2026-01-01', reason: 'old' }]);
  });

  it('SARIF carries the tool version', async () => {
    const captured = io();
    await runPosture(captured, options({ local: [join(SHARED_PROJECTS, 'jupyter/nbconvert')], format: 'sarif' }), { clock });
    const log = JSON.parse(captured.out()) as { version: string; runs: { tool: { driver: { version: string; rules: { id: string }[] } } }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.tool.driver.version).toBe(TOOL_VERSION);
    expect(log.runs[0]!.tool.driver.rules).toHaveLength(10);
  });
});

describeWithSharedData('chainwatch posture --org (fake GitHub server)', () => {
  let server: FakeGithub;
  beforeAll(async () => {
    server = await startFakeGithub({ orgs: fixtureOrgs(), tokens: { [TOKEN]: 'council-bot' } });
  });
  afterAll(async () => server.close());

  it('collects the organisation through the API: API-only facts are known', async () => {
    const captured = io({ GH_TOKEN: TOKEN, GITHUB_API_URL: server.url });
    await runPosture(captured, options({ org: ['jupyter'] }), { clock });
    const document = JSON.parse(captured.out()) as Json;
    const pvr = outcomes(document, 'private-vulnerability-reporting');
    // From the fake's fixture settings: on for nbformat, notebook and docker-stacks; off by default; nbconvert answers 404.
    expect([pvr['jupyter/docker-stacks'], pvr['jupyter/nbformat'], pvr['jupyter/notebook'], pvr['jupyter/jupyter_client'], pvr['jupyter/nbconvert']]).toEqual(['pass', 'pass', 'pass', 'fail', 'not-available']);
    expect(document.orgs.map((org) => org.org)).toEqual(['jupyter']);
    expect(document.orgs[0]!.checks.map((check) => check.id)).toEqual(['org-two-factor', 'org-workflow-permissions', 'org-inactive-members', 'org-outside-collaborators']);
    expect(document.sources).toEqual([{ name: 'github', reachable: true }]);
    expect(captured.out()).not.toContain(TOKEN);
    expect(captured.err()).not.toContain(TOKEN);
  });

  it('an organisation that fails is a source that says why; the others are reported', async () => {
    const captured = io({ GH_TOKEN: TOKEN, GITHUB_API_URL: server.url });
    await runPosture(captured, options({ org: ['jupyter', 'no-such-org'], format: 'table' }), { clock });
    expect(captured.out()).toContain('Unreachable sources (checks that need them are n/a):\n  github no-such-org: no GitHub organisation named no-such-org\n');
    expect(captured.out()).toMatch(/^jupyter\/nbconvert /m);
  });

  it('a rejected token: nothing collected, exit 2, the token never printed', async () => {
    const captured = io({ GITHUB_TOKEN: 'ghp_WrongWrongWrongWrongWrongWrongWrong12', GITHUB_API_URL: server.url });
    const code = await runPosture(captured, options({ org: ['jupyter'] }), { clock });
    expect(code).toBe(2);
    expect(captured.err()).toMatch(/github jupyter unreachable: /);
    expect(`${captured.out()}${captured.err()}`).not.toContain('ghp_WrongWrongWrongWrongWrongWrongWrong12');
  });
});

describeWithSharedData('chainwatch posture --org against a GitHub that hangs or is rate-limited', () => {
  let server: FakeGithub;
  beforeAll(async () => {
    server = await startFakeGithub({ orgs: fixtureOrgs(), tokens: { [TOKEN]: 'council-bot' } });
  });
  afterAll(async () => server.close());

  /** The real collector, with the settings the command gives it recorded and short time limits for the test. */
  function recordingCollector(extra: Partial<GithubCollectorOptions> = {}) {
    const seen: GithubCollectorOptions[] = [];
    const githubCollector = (settings: GithubCollectorOptions) => {
      seen.push(settings);
      return createGithubCollector({ ...settings, retryBaseMs: 1, ...extra });
    };
    return { seen, githubCollector };
  }

  it('an API that accepts and never answers: the organisation is an unreachable source saying so, not a hang', async () => {
    server.injectFault({ kind: 'no-answer', times: Number.POSITIVE_INFINITY });
    try {
      const captured = io({ GH_TOKEN: TOKEN, GITHUB_API_URL: server.url });
      const { githubCollector } = recordingCollector({ requestTimeoutMs: 50 });
      const code = await runPosture(captured, options({ org: ['jupyter'], local: [join(SHARED_PROJECTS, 'jupyter/nbformat')] }), { clock, githubCollector });
      const document = JSON.parse(captured.out()) as Json;
      expect(document.sources).toEqual([
        { name: 'github jupyter', reachable: false, error: expect.stringMatching(/^(GraphQL repositories of jupyter|GET \/orgs\/jupyter\/\S+): GitHub gave no complete answer within 50ms \(tried 4 times\)$/) },
        { name: 'local', reachable: true },
      ]);
      expect(code).toBe(1);
      expect(`${captured.out()}${captured.err()}`).not.toContain(TOKEN);
    } finally {
      server.resetFaults();
    }
  });

  it('--max-rate-limit-wait: a limit resetting later fails the organisation, said on stderr, the token never shown', async () => {
    server.exhaustRateLimit(TOKEN, 3600);
    try {
      const captured = io({ GH_TOKEN: TOKEN, GITHUB_API_URL: server.url });
      const { seen, githubCollector } = recordingCollector({ sleep: async () => {} });
      expect(await runPosture(captured, options({ org: ['jupyter'], maxRateLimitWait: 60 }), { clock, githubCollector })).toBe(2);
      expect(seen[0]!.maxRateLimitWaitSeconds).toBe(60);
      expect(captured.err()).toMatch(/^warn: GitHub rate limit: not waiting 60m for core \(resets at \S+Z\): that would pass the 60s allowed for rate-limit waits$/m);
      expect(captured.err()).toMatch(/^chainwatch: github jupyter unreachable: GET \S+: GitHub's core rate limit is spent until \S+Z; not waited for: that would pass the 60s allowed/m);
      expect(`${captured.out()}${captured.err()}`).not.toContain(TOKEN);
    } finally {
      server.resetRateLimits();
    }
  });

  it('gives the collector a 15-minute cap by default', async () => {
    const { seen, githubCollector } = recordingCollector();
    await runPosture(io({ GH_TOKEN: TOKEN, GITHUB_API_URL: server.url }), options({ org: ['jupyter'] }), { clock, githubCollector });
    expect(seen[0]!.maxRateLimitWaitSeconds).toBe(900);
  });

  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1.5h', 5400],
    ['0', 0],
  ])('--max-rate-limit-wait %s is %i seconds', (text, seconds) => {
    expect(parseWaitDuration(text)).toBe(seconds);
  });

  it('--max-rate-limit-wait with no duration is bad input', async () => {
    const run = await runCli(['posture', '--org', 'jupyter', '--max-rate-limit-wait', 'soon'], { cwd: SHARED_PROJECTS, env: { CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite') } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/expected a duration such as 90s, 15m or 1h, got "soon"/);
  });
});

describeWithSharedData('chainwatch posture without a token, and bad input', () => {
  it('--org without a token: the API is an unreachable source; with nothing else, exit 2', async () => {
    const captured = io();
    expect(await runPosture(captured, options({ org: ['jupyter'] }), { clock })).toBe(2);
    expect(captured.err()).toBe(`chainwatch: github unreachable: ${NO_TOKEN}\nchainwatch: no repository could be collected\n`);
  });

  it('--org without a token beside --local: reported, the source listed as unreachable', async () => {
    const captured = io();
    await runPosture(captured, options({ org: ['jupyter'], local: [join(SHARED_PROJECTS, 'jupyter/nbformat')] }), { clock });
    expect((JSON.parse(captured.out()) as Json).sources).toEqual([
      { name: 'github', reachable: false, error: NO_TOKEN },
      { name: 'local', reachable: true },
    ]);
  });

  it.each([
    [['posture', '--check', 'nope', '--local', '.'], /unknown check "nope"/],
    [['posture'], /nothing to check/],
    [['posture', '--local', '/no/such/folder'], /--local \/no\/such\/folder: cannot read/],
    [['posture', '--local', '.', '--format', 'html'], /expected one of table, json, sarif, markdown/],
    [['posture', '--local', '.', '--waivers', '/no/such/waivers.yaml'], /cannot read waivers/],
  ])('%j exits 2', async (argv, message) => {
    const run = await runCli(argv, { cwd: SHARED_PROJECTS, env: { CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'), CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite') } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('a bad waiver names the file and the line', async () => {
    const waivers = join(dir.path, 'waivers.yaml');
    writeFileSync(waivers, 'waivers:\n  - repo: jupyter/nbconvert\n    check: no-such-check\n    reason: r\n    approved-by: c\n    expires: 2027-01-01\n');
    const captured = io();
    expect(await runPosture(captured, options({ local: [join(SHARED_PROJECTS, 'jupyter/nbconvert')], waivers }), { clock })).toBe(2);
    expect(captured.err()).toMatch(new RegExp(`^chainwatch: ${waivers}:3: `));
  });

  it.each([
    ['does not exist', null, (path: string) => `chainwatch: --importance ${path}: does not exist\n`],
    // The YAML library overflowed its stack on this: the nesting guard refuses it first.
    ['is nested 5,000 levels deep', `${'['.repeat(5000)}\n`, (path: string) => `chainwatch: --importance ${path}:1: invalid YAML: nested deeper than 256 levels\n`],
    ['is not a list of owner/name', 'a: 1\n', (path: string) => `chainwatch: --importance ${path}: expected a list of owner/name, most important first\n`],
  ])('an --importance file that %s: exit 2, naming the option and the file', async (_name, text, expected) => {
    const list = join(dir.path, 'importance.yaml');
    if (text !== null) writeFileSync(list, text);
    const captured = io();
    expect(await runPosture(captured, options({ local: [join(SHARED_PROJECTS, 'jupyter/nbconvert')], importance: list }), { clock })).toBe(2);
    expect(captured.err()).toBe(expected(list));
  });

  it('--history that does not exist: exit 2; an unreadable history is said and not used', async () => {
    const history = join(dir.path, 'graph.sqlite');
    const missing = io();
    expect(await runPosture(missing, options({ local: [join(SHARED_PROJECTS, 'jupyter/nbconvert')], history }), { clock })).toBe(2);
    expect(missing.err()).toBe(`chainwatch: --history ${history}: no such file\n`);
    writeFileSync(history, 'not a database');
    const broken = io();
    expect(await runPosture(broken, options({ local: [join(SHARED_PROJECTS, 'jupyter/nbconvert')], history, format: 'table' }), { clock })).toBe(1);
    expect(broken.err()).toMatch(/^chainwatch: graph history not used for importance: /);
    expect(broken.out()).toMatch(/^Repository /);
  });
});

describe('chainwatch posture --best-practices', () => {
  it('asks the collector for badge look-ups only when the flag is given', async () => {
    const seen: { bestPractices?: unknown }[] = [];
    const githubCollector = ((settings: { bestPractices?: unknown }) => {
      seen.push(settings);
      return {
        collectOrg: async (org: string) => {
          const unknownFact = { known: false as const, reason: 'not asked in this test' };
          return { org: { org, twoFactorRequired: unknownFact, defaultWorkflowPermissions: unknownFact, members: unknownFact, outsideCollaborators: unknownFact }, repos: [] };
        },
        collectRepo: async () => {
          throw new Error('not asked');
        },
        stats: () => ({}) as never,
      };
    }) as never;
    for (const bestPractices of [false, true]) {
      await runPosture(io({ GH_TOKEN: TOKEN }), options({ org: ['jupyter'], bestPractices }), { clock, githubCollector });
    }
    expect(seen.map((settings) => settings.bestPractices !== undefined)).toEqual([false, true]);
  });
});

describe('chainwatch posture --history (a snapshot saved by the graph pipeline)', () => {
  function pypiPackage(name: string, root: boolean, repositoryUrls: string[]): ResolvedPackage {
    return { ecosystem: 'PyPI', name, version: '1.0', purl: toPurl('PyPI', name, '1.0'), root, facts: { repositoryUrls } };
  }

  /**
   * Three roots all depend on `core` (acme/gamma), two on `mid` (acme/beta); the root `app` names
   * acme/delta; nothing names acme/alpha. The graph pipeline stores each repository as
   * `github.com/owner/repo`, whatever URL the registry gave.
   */
  function graphDependencies(): GraphDependencies {
    const app = pypiPackage('app', true, ['https://example.test/docs', 'https://github.com/acme/delta']);
    const tool = pypiPackage('tool', true, []);
    const cli = pypiPackage('cli', true, []);
    const core = pypiPackage('core', false, ['git+https://github.com/Acme/Gamma.git']);
    const mid = pypiPackage('mid', false, ['https://github.com/acme/beta/tree/main/src']);
    const edge = (from: ResolvedPackage, to: ResolvedPackage) => ({ from: from.purl, to: to.purl, requirement: '>=1', kind: 'runtime' as const });
    const resolver: EcosystemResolver = {
      ecosystem: 'PyPI',
      sourceNames: ['pypi'],
      async resolve(): Promise<EcosystemResolution> {
        return {
          packages: [app, tool, cli, core, mid],
          edges: [edge(app, core), edge(tool, core), edge(cli, core), edge(app, mid), edge(tool, mid)],
          sources: [{ name: 'pypi', reachable: true }],
          problems: [],
        };
      },
    };
    return { clock, resolvers: async () => ({ resolvers: { PyPI: resolver }, close: async () => undefined }) };
  }

  it('ranks the --local checkouts by the reach of their packages in the latest snapshot', async () => {
    const history = join(dir.path, 'graph.sqlite');
    const graphIo = captureIo(dir.path);
    const graphCode = await runGraph(graphIo, ['pkg:pypi/app', 'pkg:pypi/tool', 'pkg:pypi/cli'], { env: [], format: 'json', history, db: join(dir.path, 'none.sqlite') }, graphDependencies());
    expect(graphIo.err()).not.toMatch(/not saved/);
    expect(graphCode).toBe(0);
    // What the snapshot holds is the identity, not the registry's URL: the form importance must read.
    const store = openGraphStore(history, { readonly: true });
    const latest = store.resolveReference('latest');
    const stored = latest.ok ? store.loadSnapshot(latest.value)!.graph.nodes.find((entry) => entry.name === 'core')!.signals.repository : undefined;
    store.close();
    expect(stored).toEqual({ known: true, value: { url: 'github.com/acme/gamma', confidence: 'claimed' } });

    const checkouts = join(dir.path, 'checkouts');
    for (const repo of ['alpha', 'beta', 'delta', 'gamma']) {
      mkdirSync(join(checkouts, 'acme', repo, '.github'), { recursive: true });
      writeFileSync(join(checkouts, 'acme', repo, '.github', 'dependabot.yml'), 'version: 2\nupdates: []\n');
    }
    const captured = io();
    await runPosture(captured, options({ local: [checkouts], history, format: 'markdown' }), { clock });
    expect(captured.err()).toBe('');
    const markdown = captured.out();
    const summaryRows = markdown.split('\n').filter((line) => /^\| `[^`]+\/[^`]+` \|/.test(line)).map((line) => /^\| `([^`]+)`/.exec(line)![1]);
    // By reach (three roots, two, one), then the one no package names; by name it would be alpha, beta, delta, gamma.
    expect(summaryRows).toEqual(['acme/gamma', 'acme/beta', 'acme/delta', 'acme/alpha']);
    expect(markdown).toContain('Repositories are listed most important first (importance from the reach of their packages in the latest graph snapshot)');

    // A snapshot about other packages is said, not silently ignored.
    const other = io();
    await runPosture(other, options({ local: [join(checkouts, 'acme', 'alpha')], history, format: 'markdown' }), { clock });
    expect(other.err()).toBe(`chainwatch: --history ${history}: no package in its latest snapshot names a repository checked here\n`);
  });
});

describe('chainwatch posture --org when GitHub cannot be reached (a token, no network)', () => {
  it('connection refused: each step on its own line, the failure named as such, exit 2', async () => {
    const origin = await refusingOrigin();
    const host = new URL(origin).host;
    const captured = io({ GH_TOKEN: TOKEN, GITHUB_API_URL: origin, CHAINWATCH_GITHUB_CACHE: join(dir.path, 'github.sqlite') });
    const code = await runPosture(captured, options({ org: ['acme', 'beta'] }), { clock, githubCollector: (settings) => createGithubCollector({ ...settings, retryBaseMs: 60_000 }) });
    const lines = captured.err().split('\n');
    // The clock is fixed: every step takes 0ms here.
    const failure = new RegExp(`^chainwatch: github acme: failed after 0ms: [^:]+: cannot reach ${host.replace(/\./g, '\\.')}: connection refused \\(ECONNREFUSED\\)$`);
    expect(lines[0]).toBe('chainwatch: github acme: collecting the organisation through the API');
    expect(lines[1]).toMatch(failure);
    expect(lines[2]).toBe('chainwatch: github beta: collecting the organisation through the API');
    expect(lines[3]).toMatch(/^chainwatch: github beta: failed after 0ms: [^:]+: cannot reach \S+: connection refused \(ECONNREFUSED\)$/);
    expect(lines[4]).toMatch(/^chainwatch: github acme unreachable: [^:]+: cannot reach \S+: connection refused \(ECONNREFUSED\)$/);
    expect(captured.err()).not.toMatch(/HTTP 500/);
    expect(captured.err()).not.toContain(TOKEN);
    expect(code).toBe(2);
  });

  it('a name that does not resolve: "DNS lookup failed (ENOTFOUND)" naming the host of GITHUB_API_URL', async () => {
    const unresolving = unresolvingFetch();
    try {
      const captured = io({ GH_TOKEN: TOKEN, GITHUB_API_URL: 'https://nonexistent.invalid/api/v3', CHAINWATCH_GITHUB_CACHE: join(dir.path, 'github.sqlite') });
      const githubCollector = (settings: GithubCollectorOptions) => createGithubCollector({ ...settings, fetch: unresolving.fetch, retryBaseMs: 60_000 });
      expect(await runPosture(captured, options({ org: ['jupyter'] }), { clock, githubCollector })).toBe(2);
      expect(captured.err()).toMatch(/^chainwatch: github jupyter: failed after 0ms: [^:]+: cannot reach nonexistent\.invalid: DNS lookup failed \(ENOTFOUND\)$/m);
      expect(captured.err()).toMatch(/^chainwatch: github jupyter unreachable: [^:]+: cannot reach nonexistent\.invalid: DNS lookup failed \(ENOTFOUND\)$/m);
      expect(unresolving.lookups()).toBeGreaterThan(0);
    } finally {
      await unresolving.close();
    }
  });
});
