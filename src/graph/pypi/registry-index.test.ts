import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCassette, replayClient } from '../../../test/http-replay.js';
import { cpythonEnvironment, defaultEnvironment } from '../../ecosystems/pypi/environment.js';
import { createPypiRegistry, type PypiFile } from '../../ecosystems/pypi/registry.js';
import { createHttpClient } from '../../http/client.js';
import type { HttpClient } from '../../http/types.js';
import { openHttpCache } from '../../store/http-cache.js';
import { openSummaryStore } from '../../store/pypi-summary-store.js';
import { fixedClock } from '../../core/clock.js';
import { parseRequirement } from '../../ecosystems/pypi/requirement.js';
import { context, root } from '../resolver-testing.fixture.js';
import { createPypiResolver, licenseOf } from './adapter.js';
import { createRegistryIndex } from './registry-index.js';
import { requirementToString } from './requirements.js';
import { resolvePypi } from './resolve.js';

// Recorded by test/record/pypi-resolution.ts: a resolution of jupyter-client against the real index, hosts rewritten.
const CASSETTE = new URL('./fixtures/jupyter-client.json.gz', import.meta.url);
const INDEX = 'https://pypi.test/simple/';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function replayIndex() {
  const { client, agent } = replayClient(CASSETTE);
  cleanups.push(() => client.close(), () => agent.close());
  return { index: createRegistryIndex(createPypiRegistry({ http: client, indexUrl: INDEX })), agent, client };
}

describe('resolvePypi over the registry client (replayed cassette)', () => {
  it('resolves jupyter-client as uv pip compile did for the same snapshot', async () => {
    const { index, agent, client } = replayIndex();
    const result = await resolvePypi([{ name: 'jupyter-client' }], { index, environment: defaultEnvironment, excludeNewer: '2026-01-01T00:00:00Z' });
    // `uv pip compile --python-version 3.12 --python-platform x86_64-unknown-linux-gnu --exclude-newer 2026-01-01T00:00:00Z`, run when recording.
    expect(result.packages.map((found) => `${found.name}==${found.version}`)).toEqual([
      'jupyter-client==8.7.0',
      'jupyter-core==5.9.1',
      'platformdirs==4.5.1',
      'python-dateutil==2.9.0.post0',
      'pyzmq==27.1.0',
      'six==1.17.0',
      'tornado==6.5.4',
      'traitlets==5.14.3',
    ]);
    expect(result.unknown).toEqual([]);
    // The binary packages resolve to wheels for CPython 3.12 on manylinux x86_64.
    const pyzmq = result.packages.find((found) => found.name === 'pyzmq')!;
    expect(pyzmq.filename).toMatch(/^pyzmq-27\.1\.0-cp312-abi3-manylinux.*x86_64.*\.whl$/);
    expect(result.edges).toContainEqual({ from: 'jupyter-client', to: 'pyzmq', requirement: 'pyzmq>=25.0', kind: 'runtime' });
    agent.assertAllUsed();
    expect(client.stats().requests).toBe(loadCassette(CASSETTE).interactions.length);
  });

  it('the lean page reader gives the same answer with the same requests', async () => {
    const { client, agent } = replayClient(CASSETTE);
    cleanups.push(() => client.close(), () => agent.close());
    const index = createRegistryIndex(createPypiRegistry({ http: client, indexUrl: INDEX }), { pages: { http: client } });
    const result = await resolvePypi([{ name: 'jupyter-client' }], { index, environment: defaultEnvironment, excludeNewer: '2026-01-01T00:00:00Z' });
    expect(result.packages.map((found) => `${found.name}==${found.version}`)).toEqual([
      'jupyter-client==8.7.0',
      'jupyter-core==5.9.1',
      'platformdirs==4.5.1',
      'python-dateutil==2.9.0.post0',
      'pyzmq==27.1.0',
      'six==1.17.0',
      'tornado==6.5.4',
      'traitlets==5.14.3',
    ]);
    agent.assertAllUsed();
    expect(client.stats().requests).toBe(loadCassette(CASSETTE).interactions.length);
  });

  it('without the cut-off it goes for the newer release the cut-off hides', async () => {
    const { index } = replayIndex();
    // The trimmed pages keep releases uploaded after 2026-01-01 (jupyter-client 8.9.0 is the newest); their
    // wheels were never read when recording, so the replay refuses the request and names the file.
    const attempt = resolvePypi([{ name: 'jupyter-client' }], { index, environment: defaultEnvironment });
    await expect(attempt).rejects.toThrow(/jupyter_client-8\.9\.0-py3-none-any\.whl/);
  });

  it('rules out every release for a Python older than their Requires-Python (2.7)', async () => {
    const { index } = replayIndex();
    const python27 = cpythonEnvironment('2.7', 'linux', 'x86_64');
    if (!python27.ok) throw python27.error;
    const attempt = resolvePypi([{ name: 'jupyter-client' }], { index, environment: python27.value, excludeNewer: '2026-01-01T00:00:00Z' });
    await expect(attempt).rejects.toThrow(/requires a newer Python than 2\.7\.0/);
  });
});

describe('warm runs: page summaries in the HTTP cache, file facts in the summary store', () => {
  const options = { environment: defaultEnvironment, excludeNewer: '2026-01-01T00:00:00Z' };

  /** A client over the cassette, sharing `cache` (not owned, so it outlives the client) at the given time. */
  function client(cache: ReturnType<typeof openHttpCache>, at: string, cassette: typeof CASSETTE | [] = CASSETTE) {
    const replay = replayClient(cassette, { cache, clock: fixedClock(at) });
    cleanups.push(() => replay.client.close(), () => replay.agent.close());
    return replay.client;
  }

  function shared() {
    const cache = openHttpCache(':memory:');
    const store = openSummaryStore(':memory:');
    cleanups.push(() => store.close(), () => cache.close());
    return { cache, store };
  }

  it('a second run within maxAgeMs resolves the same without a single request', async () => {
    const { cache, store } = shared();
    const first = client(cache, '2026-11-22T00:00:00Z');
    const cold = await resolvePypi([{ name: 'jupyter-client' }], {
      ...options,
      index: createRegistryIndex(createPypiRegistry({ http: first, indexUrl: INDEX }), { store, maxAgeMs: 600_000, pages: { http: first } }),
    });
    expect(first.stats().requests).toBe(20);
    // The cache keeps the 8 pages as their summaries (and the 12 range reads as they came).
    expect(cache.size()).toBe(20);

    // Nothing recorded: any request would fail.
    const second = client(cache, '2026-11-22T00:09:59Z', []);
    const warm = await resolvePypi([{ name: 'jupyter-client' }], {
      ...options,
      index: createRegistryIndex(createPypiRegistry({ http: second, indexUrl: INDEX }), { store, maxAgeMs: 600_000, pages: { http: second } }),
    });
    expect(second.stats().requests).toBe(0);
    expect(warm.packages).toEqual(cold.packages);
    expect(warm.edges).toEqual(cold.edges);
  });

  it('page summaries older than maxAgeMs are asked for again; dependencies are kept', async () => {
    const { cache, store } = shared();
    const first = client(cache, '2026-11-22T00:00:00Z');
    await resolvePypi([{ name: 'jupyter-client' }], {
      ...options,
      index: createRegistryIndex(createPypiRegistry({ http: first, indexUrl: INDEX }), { store, maxAgeMs: 600_000, pages: { http: first } }),
    });
    const second = client(cache, '2026-11-22T00:10:01Z');
    const again = await resolvePypi([{ name: 'jupyter-client' }], {
      ...options,
      index: createRegistryIndex(createPypiRegistry({ http: second, indexUrl: INDEX }), { store, maxAgeMs: 600_000, pages: { http: second } }),
    });
    // The 8 project pages again, none of the 12 wheel range reads.
    expect(second.stats().requests).toBe(8);
    expect(again.packages).toHaveLength(8);
  });

  it('a warm graph resolution makes no request and gives the same packages, facts and edges', async () => {
    const { cache, store } = shared();
    const resolve = async (http: HttpClient) => {
      const registry = createPypiRegistry({ http, indexUrl: INDEX });
      const resolver = createPypiResolver({ registry, index: { store, maxAgeMs: 600_000, pages: { http } }, excludeNewer: options.excludeNewer });
      return resolver.resolve([root('pkg:pypi/jupyter-client')], context);
    };
    const first = client(cache, '2026-11-22T00:00:00Z');
    const cold = await resolve(first);
    // The resolution's requests and no more: the signals read what the resolution read.
    expect(first.stats().requests).toBe(20);
    const second = client(cache, '2026-11-22T00:05:00Z', []);
    const warm = await resolve(second);
    expect(second.stats().requests).toBe(0);
    expect(warm).toEqual(cold);
    const core = cold.packages.find((found) => found.name === 'jupyter-core')!;
    expect(core.facts).toMatchObject({ releasedAt: expect.any(String), yanked: false, labextensions: [], license: expect.any(String) });
  });

  it('the signals read from the resolution equal those read from the registry client\'s pages', async () => {
    const { cache, store } = shared();
    const http = client(cache, '2026-11-22T00:00:00Z');
    const registry = createPypiRegistry({ http, indexUrl: INDEX });
    const resolution = await createPypiResolver({ registry, index: { store, pages: { http } }, excludeNewer: options.excludeNewer }).resolve([root('pkg:pypi/jupyter-client')], context);
    // The facts as they were read before page summaries: from the registry client's whole pages and the file's metadata.
    const replay = replayClient(CASSETTE, { persist: true });
    cleanups.push(() => replay.client.close(), () => replay.agent.close());
    const whole = createPypiRegistry({ http: replay.client, indexUrl: INDEX });
    const plain = await resolvePypi([{ name: 'jupyter-client' }], { ...options, index: createRegistryIndex(whole) });
    const filenames = new Map(plain.packages.map((found) => [found.name, found.filename]));
    for (const found of resolution.packages) {
      const page = (await whole.project(found.name))!;
      const byVersion = new Map<string, PypiFile[]>();
      for (const file of page.files) {
        if (file.version === null || file.kind === 'other') continue;
        byVersion.set(file.version.normalized, [...(byVersion.get(file.version.normalized) ?? []), file]);
      }
      const releases = [...byVersion].map(([version, files]) => ({
        version,
        publishedAt: files.map((file) => file.uploadTime).filter((time): time is string => time !== null).sort()[0] ?? null,
        yanked: files.every((file) => file.yanked),
        provenance: files.some((file) => file.provenanceUrl !== null) ? true : files.every((file) => file.provenanceKnown) ? false : null,
      }));
      const release = releases.find((entry) => entry.version === found.version)!;
      const file = byVersion.get(found.version)!.find((entry) => entry.filename === filenames.get(found.name))!;
      const info = (await whole.metadata(file)).metadata!;
      const { labextensions: _labextensions, ...facts } = found.facts;
      expect(facts, found.purl).toEqual({
        releases,
        releasedAt: release.publishedAt,
        yanked: release.yanked,
        provenance: release.provenance,
        license: licenseOf(info),
        repositoryUrls: [...info.projectUrls.map((entry) => entry.url), ...(info.homePage ? [info.homePage] : [])],
      });
    }
  });
});

describe('requirementToString', () => {
  it.each([
    'jupyter-core!=5.0.*,>=4.12',
    'pyzmq>=25.0',
    'tornado>=6.4.1',
    'ipykernel[test]; extra == "docs"',
    'importlib-metadata>=4.8.3; python_version < "3.10"',
    'pywin32>=300; sys_platform == "win32" and platform_python_implementation != "PyPy"',
    'foo[a,b] @ https://example.test/foo.whl ; (os_name == "nt" or os_name == "posix") and extra == "x"',
    'pytest<9,>=7.0; extra == "test" or extra == "dev"',
  ])('%s parses back to the same requirement', (text) => {
    const parsed = parseRequirement(text);
    if (!parsed.ok) throw parsed.error;
    const again = parseRequirement(requirementToString(parsed.value));
    if (!again.ok) throw again.error;
    // The parsed specifier set holds functions; compare what it was made of.
    const shape = ({ name, extras, specifier, url, marker }: typeof parsed.value) => ({ name, extras, specifier, url, marker });
    expect(shape(again.value)).toEqual(shape(parsed.value));
  });
});

describe('an index answering with somebody else\'s HTML page (a captive portal)', () => {
  const PORTAL = '<!DOCTYPE html><html><body><h1>Welcome to the hotel Wi-Fi</h1><form action="/login"><input name="room"></form><a href="/terms">Terms</a></body></html>';

  it.each([
    ['the registry client', false],
    ['the lean page reader', true],
  ])('through %s: says so, instead of "no versions satisfy", and caches nothing', async (_label, lean) => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('https://pypi.test').intercept({ path: '/simple/jupyter-client/', method: 'GET' }).reply(200, PORTAL, { headers: { 'content-type': 'text/html; charset=utf-8' } }).persist();
    const cache = openHttpCache(':memory:');
    const http = createHttpClient({ dispatcher: agent, cache, sleep: async () => {} });
    cleanups.push(() => http.close(), () => cache.close(), () => agent.close());
    const registry = createPypiRegistry({ http, indexUrl: INDEX });
    const index = createRegistryIndex(registry, lean ? { pages: { http } } : {});
    const error = (await resolvePypi([{ name: 'jupyter-client' }], { index, environment: defaultEnvironment }).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('https://pypi.test/simple/jupyter-client/ answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror?');
    expect(error.message).not.toMatch(/no versions satisfy/);
    expect(cache.size()).toBe(0);
  });
});
