/** The registries' newest releases, on recorded answers (fixtures/registry-releases/readme.md) and spec-shaped ones. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadCassette, replayClient, type CassetteInteraction, type ReplayAgent } from '../../test/http-replay.js';
import { ChainwatchError, HostError } from '../core/errors.js';
import { known, unknown } from '../core/known.js';
import type { NpmConfig } from '../ecosystems/npm/config.js';
import type { PypiConfig } from '../ecosystems/pypi/config.js';
import { SIMPLE_ACCEPT } from '../ecosystems/pypi/registry.js';
import { createRegistryReleases } from './registry-releases.js';

const FIXTURES = new URL('./fixtures/registry-releases/', import.meta.url);
const PYPI_INDEX = 'https://pypi.test/simple/';
const NPM_REGISTRY = 'https://registry.npm.test/';

const pypiConfig = (index: string | null = PYPI_INDEX): PypiConfig => ({ index: index === null ? null : { url: index }, extraIndexes: [], from: index === null ? null : 'test', files: [], problems: [] });
const npmConfig: NpmConfig = { values: { registry: NPM_REGISTRY }, files: [], defaultRegistry: null, missingRegistry: null, problems: [] };

let agents: ReplayAgent[] = [];
afterEach(() => {
  agents = [];
});

function releasesOver(interactions: CassetteInteraction[], options: { persist?: boolean; index?: string | null } = {}) {
  const { client, agent } = replayClient(interactions, { persist: options.persist });
  agents.push(agent);
  return { releases: createRegistryReleases({ http: client, registries: { pypi: pypiConfig(options.index), npm: npmConfig } }), agent };
}

const recorded = (name: string) => loadCassette(new URL(name, FIXTURES)).interactions;

describe('createRegistryReleases on recorded answers', () => {
  it('PyPI: the newest file of the PEP 691 page (the 8.1.9 sdist); a project the index does not have is known null', async () => {
    const { releases, agent } = releasesOver(recorded('pypi.json'));
    expect(await releases.newestRelease({ ecosystem: 'PyPI', name: 'ipywidgets' })).toEqual(known({ version: '8.1.9', date: '2026-08-18T08:54:24.123432Z' }));
    expect(await releases.newestRelease({ ecosystem: 'PyPI', name: 'chainwatch-no-such-project-0' })).toEqual(known(null));
    agent.assertAllUsed();
    await releases.close();
  });

  it('PyPI: an index that serves only HTML pages (no upload times) is asked its JSON API', async () => {
    const [html, json] = recorded('pypi-html-and-json-api.json') as [CassetteInteraction, CassetteInteraction];
    // The recorded HTML page, served to the client's own Accept header, as an HTML-only index answers it.
    const { releases, agent } = releasesOver([{ ...html, requestHeaders: { accept: SIMPLE_ACCEPT } }, json]);
    expect(await releases.newestRelease({ ecosystem: 'PyPI', name: 'ipywidgets' })).toEqual(known({ version: '8.1.9', date: '2026-08-18T08:54:24.123432Z' }));
    agent.assertAllUsed();
  });

  it('npm: the newest entry of the full packument\'s time; a package the registry does not have is known null', async () => {
    const { releases, agent } = releasesOver(recorded('npm.json'));
    expect(await releases.newestRelease({ ecosystem: 'npm', name: '@jupyter-widgets/base' })).toEqual(known({ version: '6.0.12', date: '2026-08-19T04:00:15.804000+00:00' }));
    expect(await releases.newestRelease({ ecosystem: 'npm', name: '@lumino/widgets' })).toEqual(known({ version: '2.11.0', date: '2026-11-26T15:49:28+00:00' }));
    expect(await releases.newestRelease({ ecosystem: 'npm', name: '@chainwatch-no-such-scope/no-such-package' })).toEqual(known(null));
    agent.assertAllUsed();
  });
});

describe('createRegistryReleases on spec-shaped answers', () => {
  const page = (files: object[]): CassetteInteraction => ({
    url: `${PYPI_INDEX}demo/`,
    status: 200,
    headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' },
    body: JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'demo', versions: ['1.0', '2.0'], files }),
  });
  const file = (filename: string, uploadTime: string, yanked: boolean | string = false) => ({ filename, url: `https://files.pypi.test/${filename}`, hashes: {}, 'upload-time': uploadTime, yanked });
  const packument = (body: object): CassetteInteraction => ({ url: `${NPM_REGISTRY}demo`, status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'demo', ...body }) });
  const versions = (...names: string[]) => Object.fromEntries(names.map((version) => [version, { name: 'demo', version }]));

  it.each([
    {
      name: 'a yanked newest release is passed over',
      answer: page([file('demo-1.0.tar.gz', '2026-01-01T00:00:00Z'), file('demo-2.0.tar.gz', '2026-06-01T00:00:00Z', 'broken build')]),
      expected: known({ version: '1.0', date: '2026-01-01T00:00:00Z' }),
    },
    { name: 'a project whose every file is yanked has no release', answer: page([file('demo-2.0.tar.gz', '2026-06-01T00:00:00Z', true)]), expected: known(null) },
    { name: 'a project with no files has no release', answer: page([]), expected: known(null) },
  ])('PyPI: $name', async ({ answer, expected }) => {
    const { releases } = releasesOver([answer]);
    expect(await releases.newestRelease({ ecosystem: 'PyPI', name: 'demo' })).toEqual(expected);
  });

  it('PyPI: an HTML page and no JSON API cannot tell (unknown, saying why)', async () => {
    const html: CassetteInteraction = { url: `${PYPI_INDEX}demo/`, status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body><a href="https://files.pypi.test/demo-1.0.tar.gz">demo-1.0.tar.gz</a></body></html>' };
    const { releases, agent } = releasesOver([html, { url: 'https://pypi.test/pypi/demo/json', status: 404, body: '' }]);
    expect(await releases.newestRelease({ ecosystem: 'PyPI', name: 'demo' })).toEqual(unknown('the PyPI index gives no upload times for demo (an HTML Simple page, and no JSON API)'));
    agent.assertAllUsed();
  });

  it.each([
    {
      name: 'an unpublished version keeps its time entry but is no release',
      answer: packument({ versions: versions('1.0.0'), time: { created: '2025-01-01T00:00:00Z', modified: '2026-09-01T00:00:00Z', '1.0.0': '2025-01-01T00:00:00Z', '2.0.0': '2026-08-01T00:00:00Z' } }),
      expected: known({ version: '1.0.0', date: '2025-01-01T00:00:00Z' }),
    },
    { name: 'created and modified are not versions', answer: packument({ versions: {}, time: { created: '2025-01-01T00:00:00Z', modified: '2026-09-01T00:00:00Z' } }), expected: known(null) },
    { name: 'a packument without time cannot tell', answer: packument({ versions: versions('1.0.0') }), expected: unknown('the npm registry gives no publish times for demo') },
  ])('npm: $name', async ({ answer, expected }) => {
    const { releases } = releasesOver([answer]);
    expect(await releases.newestRelease({ ecosystem: 'npm', name: 'demo' })).toEqual(expected);
  });

  it('a host that cannot be reached throws a retryable HostError without a status (the run then stops asking that registry)', async () => {
    const { releases } = releasesOver([{ url: `${PYPI_INDEX}demo/`, status: 0, networkError: 'getaddrinfo ENOTFOUND pypi.test' }], { persist: true });
    const error = await releases.newestRelease({ ecosystem: 'PyPI', name: 'demo' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect([(error as HostError).status, (error as HostError).retryable]).toEqual([undefined, true]);
  });

  it('no PyPI index configured: invalid-config, for PyPI only', async () => {
    const { releases } = releasesOver([packument({ versions: versions('1.0.0'), time: { '1.0.0': '2025-01-01T00:00:00Z' } })], { index: null });
    const error = await releases.newestRelease({ ecosystem: 'PyPI', name: 'demo' }).catch((caught: unknown) => caught);
    expect(error instanceof ChainwatchError && error.code).toBe('invalid-config');
    expect(await releases.newestRelease({ ecosystem: 'npm', name: 'demo' })).toEqual(known({ version: '1.0.0', date: '2025-01-01T00:00:00Z' }));
  });
});
