import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCassette, replayClient } from '../../../test/http-replay.js';
import { cpythonEnvironment, defaultEnvironment } from '../../ecosystems/pypi/environment.js';
import { createPypiRegistry } from '../../ecosystems/pypi/registry.js';
import { createHttpClient } from '../../http/client.js';
import { openHttpCache } from '../../store/http-cache.js';
import { openSummaryStore } from '../../store/pypi-summary-store.js';
import { fixedClock } from '../../core/clock.js';
import { parseRequirement } from '../../ecosystems/pypi/requirement.js';
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

describe('createRegistryIndex with a summary store', () => {
  it('a second run within maxAgeMs resolves the same without a single request', async () => {
    const store = openSummaryStore(':memory:');
    cleanups.push(() => store.close());
    const options = { environment: defaultEnvironment, excludeNewer: '2026-01-01T00:00:00Z' };
    const first = replayClient(CASSETTE);
    cleanups.push(() => first.client.close(), () => first.agent.close());
    const clock = fixedClock('2026-11-22T00:00:00Z');
    const cold = await resolvePypi([{ name: 'jupyter-client' }], {
      ...options,
      index: createRegistryIndex(createPypiRegistry({ http: first.client, indexUrl: INDEX }), { store, maxAgeMs: 600_000, clock }),
    });
    expect(first.client.stats().requests).toBe(20);

    const second = replayClient(CASSETTE);
    cleanups.push(() => second.client.close(), () => second.agent.close());
    const warm = await resolvePypi([{ name: 'jupyter-client' }], {
      ...options,
      index: createRegistryIndex(createPypiRegistry({ http: second.client, indexUrl: INDEX }), { store, maxAgeMs: 600_000, clock }),
    });
    expect(second.client.stats().requests).toBe(0);
    expect(warm.packages).toEqual(cold.packages);
    expect(warm.edges).toEqual(cold.edges);
  });

  it('stored pages older than maxAgeMs are asked for again; dependencies are kept', async () => {
    const store = openSummaryStore(':memory:');
    cleanups.push(() => store.close());
    const options = { environment: defaultEnvironment, excludeNewer: '2026-01-01T00:00:00Z' };
    const first = replayClient(CASSETTE);
    cleanups.push(() => first.client.close(), () => first.agent.close());
    await resolvePypi([{ name: 'jupyter-client' }], {
      ...options,
      index: createRegistryIndex(createPypiRegistry({ http: first.client, indexUrl: INDEX }), { store, maxAgeMs: 600_000, clock: fixedClock('2026-11-22T00:00:00Z') }),
    });
    const second = replayClient(CASSETTE);
    cleanups.push(() => second.client.close(), () => second.agent.close());
    const later = fixedClock('2026-11-22T00:10:01Z');
    const again = await resolvePypi([{ name: 'jupyter-client' }], {
      ...options,
      index: createRegistryIndex(createPypiRegistry({ http: second.client, indexUrl: INDEX }), { store, maxAgeMs: 600_000, clock: later }),
    });
    // The 8 project pages again, none of the 12 wheel range reads.
    expect(second.client.stats().requests).toBe(8);
    expect(again.packages).toHaveLength(8);
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
