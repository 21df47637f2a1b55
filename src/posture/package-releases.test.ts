/**
 * Which packages a repository publishes, the registries asked for their
 * newest releases, and `maintained` reading them: table-driven on fakes, then
 * the ipywidgets checkout of the shared data (its .git-facts.json stops at
 * 2025-11-07) with the recorded PyPI answer (8.1.9, uploaded 2026-08-18).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCassette, replayClient, type CassetteInteraction } from '../../test/http-replay.js';
import { describeWithSharedData } from '../../test/shared-data.js';
import { fixedClock } from '../core/clock.js';
import { ChainwatchError, HostError } from '../core/errors.js';
import { collectingSink, silentSink } from '../core/events.js';
import { known, unknown, type Knowable } from '../core/known.js';
import { evaluateRepoCheck } from './checks/index.js';
import { lookUpPackageReleases, MAX_PACKAGES_PER_REPOSITORY, publishedPackages, type NewestRelease, type RegistryConnector, type RegistryReleases } from './package-releases.js';
import { repoFacts, SHARED_PROJECTS } from './posture-testing.fixture.js';
import { createRegistryReleases } from './registry-releases.js';
import { runPosture, type PostureDependencies } from './run.js';
import type { PackageReleaseFact, ReleaseRegistry, RepoFacts } from './types.js';

describe('publishedPackages', () => {
  const packageJson = (name: string, extra: object = {}) => JSON.stringify({ name, ...extra });
  it.each([
    { name: 'pyproject.toml [project].name, normalised', files: { 'pyproject.toml': '[project]\nname = "Jupyter_Server"\n' }, expected: [['PyPI', 'jupyter-server', 'pyproject.toml']] },
    { name: 'setup.cfg and a literal setup.py name', files: { 'a/setup.cfg': '[metadata]\nname = nbformat\n', 'b/setup.py': 'setup(name="traitlets")\n' }, expected: [['PyPI', 'nbformat', 'a/setup.cfg'], ['PyPI', 'traitlets', 'b/setup.py']] },
    { name: 'a package.json that is not private', files: { 'packages/base/package.json': packageJson('@jupyter-widgets/base') }, expected: [['npm', '@jupyter-widgets/base', 'packages/base/package.json']] },
    { name: 'a private package.json publishes nothing', files: { 'package.json': packageJson('root', { private: true, workspaces: ['packages/*'] }) }, expected: [] },
    {
      name: 'test, fixture, example and docs folders describe other projects',
      files: {
        'tests/mock_packages/extension/package.json': packageJson('mock-extension'),
        'examples/web1/package.json': packageJson('example-web1'),
        'docs/source/pyproject.toml': '[project]\nname = "docs-theme"\n',
        'jupyterlab/tests/fixtures/pyproject.toml': '[project]\nname = "fixture"\n',
      },
      expected: [],
    },
    { name: 'shallowest manifest first; the same name once', files: { 'python/ipywidgets/pyproject.toml': '[project]\nname = "ipywidgets"\n', 'setup.cfg': '[metadata]\nname = ipywidgets\n' }, expected: [['PyPI', 'ipywidgets', 'setup.cfg']] },
    { name: 'an unreadable manifest is skipped', files: { 'package.json': '{ "name": ', 'pyproject.toml': '[project\nname = 1' }, expected: [] },
    {
      name: 'manifests nested deeper than any parser can follow are skipped, not a crash',
      files: { 'package.json': '['.repeat(50_000), 'pyproject.toml': `[project]\nname = "x"\na = ${'['.repeat(50_000)}${']'.repeat(50_000)}\n` },
      expected: [],
    },
  ])('$name', ({ files, expected }) => {
    expect(publishedPackages(repoFacts(files, { repo: 'jupyter/repo' })).map((entry) => [entry.ecosystem, entry.name, entry.declaredIn])).toEqual(expected);
  });

  it.each([
    { repo: 'jupyter-server/jupyter_server', packages: [{ ecosystem: 'PyPI', name: 'jupyter-server' }], expected: [['PyPI', 'jupyter-server']] },
    { repo: 'jupyterlab/lumino', packages: [{ ecosystem: 'npm', name: '@lumino/widgets' }, { ecosystem: 'npm', name: '@lumino/coreutils' }], expected: [['npm', '@lumino/widgets'], ['npm', '@lumino/coreutils']] },
    // The scope names the project: @jupyterlab/notebook is not the notebook repository's.
    { repo: 'jupyter/notebook', packages: [{ ecosystem: 'npm', name: '@jupyterlab/notebook' }, { ecosystem: 'PyPI', name: 'notebook' }], expected: [['PyPI', 'notebook']] },
    // conda packages have no release dates here.
    { repo: 'conda-forge/jupyterlab-feedstock', packages: [{ ecosystem: 'conda', name: 'jupyterlab-feedstock' }], expected: [] },
  ])('the config packages named like $repo', ({ repo, packages, expected }) => {
    expect(publishedPackages(repoFacts({}, { repo }), packages).map((entry) => [entry.ecosystem, entry.name])).toEqual(expected);
    expect(publishedPackages(repoFacts({}, { repo }), packages).every((entry) => entry.declaredIn === 'config')).toBe(true);
  });

  it(`config packages first, then manifests, at most ${MAX_PACKAGES_PER_REPOSITORY}`, () => {
    const files = Object.fromEntries(Array.from({ length: 15 }, (_, index) => [`packages/p${String(index).padStart(2, '0')}/package.json`, packageJson(`@lumino/p${index}`)]));
    const found = publishedPackages(repoFacts(files, { repo: 'jupyterlab/lumino' }), [{ ecosystem: 'npm', name: '@lumino/widgets' }]);
    expect(found).toHaveLength(MAX_PACKAGES_PER_REPOSITORY);
    expect(found.slice(0, 2).map((entry) => [entry.name, entry.declaredIn])).toEqual([
      ['@lumino/widgets', 'config'],
      ['@lumino/p0', 'packages/p00/package.json'],
    ]);
  });
});

/** Registries that answer from a table; `down` registries fail to connect (a HostError without status). */
function fakeRegistries(answers: Record<string, Knowable<NewestRelease | null> | Error>): RegistryReleases & { asked: string[]; closed: number } {
  const registries = {
    asked: [] as string[],
    closed: 0,
    async newestRelease(pkg: { ecosystem: ReleaseRegistry; name: string }) {
      registries.asked.push(`${pkg.ecosystem} ${pkg.name}`);
      const answer = answers[`${pkg.ecosystem} ${pkg.name}`];
      if (answer === undefined) return known(null);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async close() {
      registries.closed++;
    },
  };
  return registries;
}

const pyproject = (name: string) => ({ 'pyproject.toml': `[project]\nname = "${name}"\n` });
const describeError = (error: unknown) => `described: ${(error as Error).message}`;

describe('lookUpPackageReleases', () => {
  const widgets = repoFacts(pyproject('ipywidgets'), { repo: 'jupyter-widgets/ipywidgets' });
  const server = repoFacts({ ...pyproject('jupyter_server'), 'package.json': JSON.stringify({ name: '@jupyter/server-ui' }) }, { repo: 'jupyter-server/jupyter_server' });
  const release = known({ version: '8.1.9', date: '2026-08-18T08:54:24Z' });

  it('asks each package once, sets packageReleases on every repository, names each registry asked, and closes', async () => {
    const registries = fakeRegistries({ 'PyPI ipywidgets': release });
    const events = collectingSink();
    const lookup = await lookUpPackageReleases([widgets, server, repoFacts({}, { repo: 'jupyter/empty' })], { packages: [{ ecosystem: 'PyPI', name: 'ipywidgets' }], connect: async () => registries, describeError, events });
    expect(registries.asked.sort()).toEqual(['PyPI ipywidgets', 'PyPI jupyter-server', 'npm @jupyter/server-ui']);
    expect(registries.closed).toBe(1);
    expect(lookup.repos[0]!.packageReleases).toEqual(known([{ ecosystem: 'PyPI', name: 'ipywidgets', declaredIn: 'config', newest: release }]));
    expect(lookup.repos[1]!.packageReleases).toEqual(
      known([
        { ecosystem: 'npm', name: '@jupyter/server-ui', declaredIn: 'package.json', newest: known(null) },
        { ecosystem: 'PyPI', name: 'jupyter-server', declaredIn: 'pyproject.toml', newest: known(null) },
      ]),
    );
    expect(lookup.repos[2]!.packageReleases).toEqual(known([]));
    expect(lookup.sources).toEqual([
      { name: 'pypi', reachable: true },
      { name: 'npm', reachable: true },
    ]);
    expect(events.events.filter((event) => event.type === 'progress')).toHaveLength(3);
  });

  it('connects to no registry when no repository publishes a package', async () => {
    let connections = 0;
    const lookup = await lookUpPackageReleases([repoFacts({}, { repo: 'jupyter/empty' })], { packages: [], connect: async () => (connections++, fakeRegistries({})), describeError, events: silentSink });
    expect([connections, lookup.sources, lookup.repos[0]!.packageReleases]).toEqual([0, [], known([])]);
  });

  it('registries that cannot be wired: every package unknown for that reason, each registry unreachable', async () => {
    const lookup = await lookUpPackageReleases([server], { packages: [], connect: async () => ({ unavailable: 'offline run' }), describeError, events: silentSink });
    expect((lookup.repos[0]!.packageReleases as { value: PackageReleaseFact[] }).value.map((entry) => entry.newest)).toEqual([unknown('offline run'), unknown('offline run')]);
    expect(lookup.sources).toEqual([
      { name: 'pypi', reachable: false, error: 'offline run' },
      { name: 'npm', reachable: false, error: 'offline run' },
    ]);
  });

  it('a registry that cannot be reached is asked once: its other packages are unknown for the same reason; the other registry still counts', async () => {
    const many = repoFacts(
      { 'a/pyproject.toml': '[project]\nname = "one"\n', 'b/pyproject.toml': '[project]\nname = "two"\n', 'c/pyproject.toml': '[project]\nname = "three"\n', 'package.json': JSON.stringify({ name: 'ui' }) },
      { repo: 'acme/many' },
    );
    const unreachable = new HostError('pypi', 'https://pypi.test/simple/one/ could not be reached after 4 attempt(s): getaddrinfo ENOTFOUND pypi.test', { retryable: true });
    const registries = fakeRegistries({ 'PyPI one': unreachable, 'PyPI two': unreachable, 'PyPI three': unreachable, 'npm ui': release });
    // Each registry's first package is asked alone: PyPI's fails to connect, so two, three are not asked.
    const lookup = await lookUpPackageReleases([many], { packages: [], connect: async () => registries, describeError, events: silentSink });
    expect(registries.asked.sort()).toEqual(['PyPI one', 'npm ui']);
    const reason = `described: ${unreachable.message}`;
    expect((lookup.repos[0]!.packageReleases as { value: PackageReleaseFact[] }).value.map((entry) => [entry.name, entry.newest])).toEqual([
      ['ui', release],
      ['one', unknown(reason)],
      ['two', unknown(reason)],
      ['three', unknown(reason)],
    ]);
    expect(lookup.sources).toEqual([
      { name: 'pypi', reachable: false, error: reason },
      { name: 'npm', reachable: true },
    ]);
  });

  it('an answer the registry could not give for one package (HTTP 500) leaves the others asked', async () => {
    const broken = new HostError('pypi', 'https://pypi.test/simple/one/ answered 500 after 4 attempt(s)', { status: 500, retryable: true });
    const registries = fakeRegistries({ 'PyPI one': broken, 'PyPI two': release });
    const repo = repoFacts({ 'a/pyproject.toml': '[project]\nname = "one"\n', 'b/pyproject.toml': '[project]\nname = "two"\n' }, { repo: 'acme/two' });
    const lookup = await lookUpPackageReleases([repo], { packages: [], connect: async () => registries, describeError, events: silentSink });
    expect(registries.asked).toEqual(['PyPI one', 'PyPI two']);
    expect((lookup.repos[0]!.packageReleases as { value: PackageReleaseFact[] }).value.map((entry) => entry.newest)).toEqual([unknown(`described: ${broken.message}`), release]);
    expect(lookup.sources).toEqual([{ name: 'pypi', reachable: true }]);
  });

  it('a bug is not a registry failure: it is thrown, and the registries are closed', async () => {
    const registries = fakeRegistries({ 'PyPI ipywidgets': new TypeError('a bug') });
    await expect(lookUpPackageReleases([widgets], { packages: [], connect: async () => registries, describeError, events: silentSink })).rejects.toThrow(TypeError);
    expect(registries.closed).toBe(1);
    expect(new ChainwatchError('invalid-config', 'x')).not.toBeInstanceOf(HostError);
  });
});

describe('maintained with registry releases', () => {
  const clock = fixedClock('2026-09-01T00:00:00Z');
  const history = (commit: string, tag: string | null) => ({
    commits: known([{ sha: 'a', date: commit, author: 'x' }]),
    releases: known(tag ? [{ tag: 'v1', date: tag }] : []),
  });
  const releases = (...entries: [string, Knowable<NewestRelease | null>][]): Pick<RepoFacts, 'packageReleases'> => ({
    packageReleases: known(entries.map(([name, newest]) => ({ ecosystem: 'PyPI' as const, name, declaredIn: 'pyproject.toml', newest }))),
  });
  const old = '2025-01-01T00:00:00Z';

  it.each([
    {
      name: 'a registry release in the recent window is activity',
      facts: { ...history(old, old), ...releases(['demo', known({ version: '2.0', date: '2026-08-01T00:00:00Z' })]) },
      outcome: 'pass',
      summary: 'Active: demo 2.0 released on PyPI 31 days ago (2026-08-01); no commit in the last 90 days in the history read (last 2025-01-01).',
    },
    {
      name: 'an older registry release is the last activity',
      facts: { ...history(old, old), ...releases(['demo', known({ version: '2.0', date: '2026-03-01T00:00:00Z' })]) },
      outcome: 'partial',
      summary: 'No commit in the last 90 days; last activity 184 days ago (demo 2.0 on PyPI, 2026-03-01).',
    },
    {
      name: 'a tag newer than the registry release: as before',
      facts: { ...history(old, '2026-04-01T00:00:00Z'), ...releases(['demo', known({ version: '1.0', date: '2026-03-01T00:00:00Z' })]) },
      outcome: 'partial',
      summary: 'No commit in the last 90 days; last activity 153 days ago.',
    },
    {
      name: 'not on the registry: as before',
      facts: { ...history(old, null), ...releases(['demo', known(null)]) },
      outcome: 'fail',
      summary: 'Abandoned: no commit or release for 608 days; no releases.',
    },
    {
      name: 'a registry that could not be asked: never abandoned',
      facts: { ...history(old, old), ...releases(['demo', unknown('pypi unreachable')], ['other', known(null)]) },
      outcome: 'not-available',
      summary: 'No commit or release for 608 days in the history read, but whether demo (PyPI) was released since is unknown: pypi unreachable.',
    },
    {
      name: 'registries not asked (absent): as before',
      facts: history(old, old),
      outcome: 'fail',
      summary: 'Abandoned: no commit or release for 608 days; open security advisories are unknown, so it cannot be told apart from finished.',
    },
    {
      name: 'no history at all, a registry release: told from the registry',
      facts: releases(['demo', known({ version: '2.0', date: '2026-08-01T00:00:00Z' })]),
      outcome: 'pass',
      summary: 'Active: demo 2.0 released on PyPI 31 days ago (2026-08-01); the commit history is unknown.',
    },
  ])('$name → $outcome', ({ facts, outcome, summary }) => {
    const result = evaluateRepoCheck('maintained', repoFacts({}, facts), { clock });
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });
});

describeWithSharedData('maintained of the ipywidgets checkout, with and without the registry', () => {
  const IPYWIDGETS = join(SHARED_PROJECTS, 'jupyter-widgets/ipywidgets');
  // The recorded ipywidgets page only (the cassette's 404 is another test's).
  const ipywidgetsPage = loadCassette(new URL('./fixtures/registry-releases/pypi.json', import.meta.url)).interactions.filter((interaction) => interaction.url.endsWith('/ipywidgets/'));

  function registry(interactions: CassetteInteraction[], options: { persist?: boolean } = {}) {
    const { client, agent } = replayClient(interactions, options);
    const connect: RegistryConnector = async () =>
      createRegistryReleases({
        http: client,
        registries: {
          pypi: { index: { url: 'https://pypi.test/simple/' }, extraIndexes: [], from: 'test', files: [], problems: [] },
          npm: { values: {}, files: [], defaultRegistry: null, missingRegistry: 'no npm registry in this test', problems: [] },
        },
      });
    return { connect, agent };
  }

  async function maintained(now: string, registryReleases?: RegistryConnector) {
    const dependencies: PostureDependencies = {
      clock: fixedClock(now),
      events: silentSink,
      connectGithub: async () => ({ unavailable: 'not asked' }),
      describeError: (error) => (error as Error).message,
      ...(registryReleases ? { registryReleases } : {}),
    };
    // The config's packages, as the jupyter preset lists ipywidgets: the checkout's only manifest is a private package.json.
    const outcome = await runPosture({ orgs: [], local: [IPYWIDGETS], checks: ['maintained'], packages: [{ ecosystem: 'PyPI', name: 'ipywidgets' }], hints: false }, dependencies);
    if (outcome.kind !== 'report') throw new Error(`no report: ${outcome.kind}`);
    return { result: outcome.report.repos[0]!.checks[0]!, sources: outcome.report.sources };
  }

  it('from its git history alone, on 2026-11-10, it looks abandoned', async () => {
    const { result } = await maintained('2026-11-10T00:00:00Z');
    expect([result.outcome, result.summary]).toEqual(['fail', 'Abandoned: no commit or release for 367 days; open security advisories are unknown, so it cannot be told apart from finished.']);
  });

  it('with PyPI asked, the 8.1.9 upload of 2026-08-18 makes it maintained', async () => {
    const { connect, agent } = registry(ipywidgetsPage);
    const { result, sources } = await maintained('2026-11-10T00:00:00Z', connect);
    expect([result.outcome, result.summary]).toEqual(['pass', 'Active: ipywidgets 8.1.9 released on PyPI 83 days ago (2026-08-18); no commit in the last 90 days in the history read (last 2025-11-07).']);
    expect(sources).toEqual([
      { name: 'local', reachable: true },
      { name: 'pypi', reachable: true },
    ]);
    agent.assertAllUsed();
  });

  it('later (2026-12-06), the release is older than the recent window: partial, naming it, not abandoned', async () => {
    const { connect } = registry(ipywidgetsPage);
    const { result } = await maintained('2026-12-06T00:00:00Z', connect);
    expect([result.outcome, result.summary]).toEqual(['partial', 'No commit in the last 90 days; last activity 109 days ago (ipywidgets 8.1.9 on PyPI, 2026-08-18).']);
  });

  it('PyPI unreachable: could not tell, never abandoned; the source says why', async () => {
    const { connect } = registry([{ url: 'https://pypi.test/simple/ipywidgets/', status: 0, networkError: 'getaddrinfo ENOTFOUND pypi.test' }], { persist: true });
    const { result, sources } = await maintained('2026-11-10T00:00:00Z', connect);
    expect(result.outcome).toBe('not-available');
    expect(result.summary).toMatch(/^No commit or release for 367 days in the history read, but whether ipywidgets \(PyPI\) was released since is unknown: https:\/\/pypi\.test\/simple\/ipywidgets\/ could not be reached after \d attempt\(s\)/);
    expect(sources[1]).toMatchObject({ name: 'pypi', reachable: false });
  });
});
