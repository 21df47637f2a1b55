import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { HostError } from '../../core/errors.js';
import { createHttpClient } from '../../http/client.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/types.js';
import { openHttpCache } from '../../store/http-cache.js';
import { replayClient } from '../../../test/http-replay.js';
import {
  ABBREVIATED_ACCEPT,
  FULL_ACCEPT,
  createNpmRegistry,
  escapePackageName,
  normalizeRepositoryUrl,
  npmVersionSignals,
  packumentUrlFor,
} from './registry.js';
import { NpmPackument } from './schema.js';

const REGISTRY = 'https://registry.npm.test/';
const cassette = new URL('./fixtures/lumino-widgets.cassette.json.gz', import.meta.url);

/** A fake HttpClient answering from a table of URL → response, recording every request. */
function fakeHttp(answers: Record<string, { status: number; body?: unknown }>): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async get(request: HttpRequest): Promise<HttpResponse> {
      requests.push(request);
      const answer = answers[`${request.headers?.accept === FULL_ACCEPT ? 'full' : 'abbreviated'} ${request.url}`] ?? answers[request.url];
      if (!answer) return { status: 404, headers: {}, body: Buffer.from('{}'), url: request.url, fromCache: false };
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      return { status: answer.status, headers: { 'content-type': 'application/json' }, body: Buffer.from(body), url: request.url, fromCache: false };
    },
    failures: () => [],
    stats: () => ({ requests: requests.length, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 }),
    close: async () => {},
  };
}

const minimal = { name: 'left-pad', 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { name: 'left-pad', version: '1.0.0' } } };

describe('packument URLs', () => {
  it.each([
    ['left-pad', 'left-pad'],
    ['@lumino/widgets', '@lumino%2fwidgets'],
    ['@jupyterlab/services', '@jupyterlab%2fservices'],
  ])('escapes %s as %s', (name, escaped) => {
    expect(escapePackageName(name)).toBe(escaped);
  });

  it.each([
    ['https://registry.npm.test/', '@a/b', 'https://registry.npm.test/@a%2fb'],
    ['https://registry.npm.test', 'x', 'https://registry.npm.test/x'],
    ['https://mirror.npm.test/npm/', 'x', 'https://mirror.npm.test/npm/x'],
  ])('joins %s and %s', (registry, name, url) => {
    expect(packumentUrlFor(registry, name)).toBe(url);
  });
});

describe('createNpmRegistry', () => {
  it('asks for the abbreviated form by default and the full form on request, with the configured registry and token', async () => {
    const http = fakeHttp({ [`${REGISTRY}@scope%2fpkg`]: { status: 200, body: { ...minimal, name: '@scope/pkg' } } });
    const registry = createNpmRegistry({
      http,
      resolveRegistry: (name) => (name.startsWith('@scope/') ? { url: REGISTRY, authorization: 'Bearer token-1' } : { url: 'https://other.npm.test/' }),
    });
    expect((await registry.packument('@scope/pkg'))?.name).toBe('@scope/pkg');
    expect((await registry.packument('@scope/pkg', 'full'))?.name).toBe('@scope/pkg');
    expect(http.requests.map((request) => [request.url, request.headers?.accept, request.headers?.authorization, request.source])).toEqual([
      [`${REGISTRY}@scope%2fpkg`, ABBREVIATED_ACCEPT, 'Bearer token-1', 'npm'],
      [`${REGISTRY}@scope%2fpkg`, FULL_ACCEPT, 'Bearer token-1', 'npm'],
    ]);
    expect(registry.packumentUrl('plain')).toBe('https://other.npm.test/plain');
  });

  it('asks once per package and form; a full packument also answers abbreviated requests', async () => {
    const http = fakeHttp({ [`${REGISTRY}left-pad`]: { status: 200, body: minimal } });
    const registry = createNpmRegistry({ http, resolveRegistry: () => ({ url: REGISTRY }) });
    await Promise.all([registry.packument('left-pad', 'full'), registry.packument('left-pad', 'full')]);
    await registry.packument('left-pad');
    expect(http.requests).toHaveLength(1);
  });

  it('retries a 404 abbreviated request in full form (as pacote does), then reports absence as null', async () => {
    const http = fakeHttp({});
    const registry = createNpmRegistry({ http, resolveRegistry: () => ({ url: REGISTRY }) });
    expect(await registry.packument('missing')).toBeNull();
    expect(http.requests.map((request) => request.headers?.accept)).toEqual([ABBREVIATED_ACCEPT, FULL_ACCEPT]);
  });

  it('serves the full form when only the abbreviated one is missing', async () => {
    const http = fakeHttp({ [`full ${REGISTRY}left-pad`]: { status: 200, body: minimal } });
    const registry = createNpmRegistry({ http, resolveRegistry: () => ({ url: REGISTRY }) });
    expect((await registry.packument('left-pad'))?.versions['1.0.0']?.version).toBe('1.0.0');
  });

  it.each([
    ['an unexpected status', { status: 403, body: minimal }, 403],
    ['a body that is not JSON', { status: 200, body: '<html>' }, 200],
    ['JSON that is not a packument', { status: 200, body: { error: 'nope' } }, 200],
  ])('raises HostError on %s', async (_label, answer, status) => {
    const registry = createNpmRegistry({ http: fakeHttp({ [`${REGISTRY}x`]: answer }), resolveRegistry: () => ({ url: REGISTRY }) });
    const error = await registry.packument('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).status).toBe(status);
    expect((error as HostError).source).toBe('npm');
  });

  it('reads recorded packuments through the shared HTTP client (replayed, no network)', async () => {
    const { client, agent } = replayClient(cassette, { persist: true });
    const registry = createNpmRegistry({ http: client, resolveRegistry: () => ({ url: REGISTRY }) });
    const full = await registry.packument('@lumino/widgets', 'full');
    const abbreviated = await createNpmRegistry({ http: client, resolveRegistry: () => ({ url: REGISTRY }) }).packument('@lumino/widgets');
    // Values read from the cassette: 59 versions up to the cut-off, latest 2.10.0 published 2026-10-08.
    expect(Object.keys(full!.versions)).toHaveLength(59);
    expect(full!['dist-tags'].latest).toBe('2.10.0');
    expect(full!.time?.['2.10.0']).toBe('2026-10-08T09:00:47+00:00');
    expect(full!.versions['2.10.0']?.dependencies?.['@lumino/dragdrop']).toBe('^2.1.9');
    // This machine's mirror answers the abbreviated Accept header with the full document (times included).
    expect(abbreviated!.time?.['2.10.0']).toBe('2026-10-08T09:00:47+00:00');
    expect(Object.keys(abbreviated!.versions)).toHaveLength(59);
    await client.close();
    await agent.close();
  });
});

describe('NpmPackument schema tolerance', () => {
  it('drops broken version entries and non-string specs, keeps the rest', () => {
    const parsed = NpmPackument.parse({
      name: 'p',
      'dist-tags': { latest: '2.0.0', bad: 3 },
      versions: {
        '1.0.0': { name: 'p', version: '1.0.0', dependencies: { a: '^1', b: 7 } },
        '2.0.0': { name: 'p', version: '2.0.0', os: 'linux', deprecated: 'use q', maintainers: 'someone' },
        '3.0.0': 'junk',
        '4.0.0': { name: 'p', version: '4.0.1' },
      },
      time: { '1.0.0': '2020-01-01T00:00:00.000Z', '2.0.0': 42 },
      readme: 'dropped',
    });
    expect(Object.keys(parsed.versions)).toEqual(['1.0.0', '2.0.0']);
    expect(parsed.versions['1.0.0']?.dependencies).toEqual({ a: '^1' });
    expect(parsed.versions['2.0.0']?.os).toEqual(['linux']);
    expect(parsed.versions['2.0.0']?.maintainers).toBeUndefined();
    expect(parsed['dist-tags']).toEqual({ latest: '2.0.0' });
    expect(parsed.time).toEqual({ '1.0.0': '2020-01-01T00:00:00.000Z' });
    expect('readme' in parsed).toBe(false);
  });
});

describe('normalizeRepositoryUrl', () => {
  it.each([
    [{ type: 'git', url: 'https://github.com/jupyterlab/lumino.git' }, 'github.com/jupyterlab/lumino'],
    ['git+https://github.com/jupyter-widgets/ipywidgets.git', 'github.com/jupyter-widgets/ipywidgets'],
    ['git@github.com:owner/repo.git', 'github.com/owner/repo'],
    ['github:owner/repo', 'github.com/owner/repo'],
    ['owner/repo', 'github.com/owner/repo'],
    ['https://github.com/owner/repo/tree/main/packages/x', 'github.com/owner/repo'],
    ['git+https://gitlab.example.test/group/project.git', 'https://gitlab.example.test/group/project'],
    [undefined, null],
  ])('%j → %s', (repository, expected) => {
    expect(normalizeRepositoryUrl(repository)).toBe(expected);
  });
});

describe('npmVersionSignals', () => {
  const clock = fixedClock('2026-11-01T00:00:00.000Z');
  const signed = [{ keyid: 'SHA256:k', sig: 's' }];
  const full = NpmPackument.parse({
    name: 'pkg',
    'dist-tags': { latest: '1.2.0' },
    maintainers: [{ name: 'a' }, { name: 'b' }],
    repository: { type: 'git', url: 'git+https://github.com/owner/pkg.git' },
    time: { created: '2020-01-01T00:00:00.000Z', '1.0.0': '2025-01-01T00:00:00.000Z', '1.1.0': '2026-05-01T00:00:00.000Z', '1.2.0': '2026-10-02T00:00:00.000Z' },
    versions: {
      '1.0.0': { name: 'pkg', version: '1.0.0', license: 'MIT', dist: { signatures: signed } },
      '1.1.0': { name: 'pkg', version: '1.1.0', license: 'MIT', _npmUser: { name: 'a' }, dist: { signatures: signed, attestations: { url: 'https://registry.npm.test/-/npm/v1/attestations/pkg@1.1.0' } } },
      '1.2.0': {
        name: 'pkg',
        version: '1.2.0',
        license: { type: 'ISC' },
        deprecated: 'moved to pkg2',
        scripts: { postinstall: 'node setup.js', test: 'vitest' },
        _npmUser: { name: 'b', email: 'b@example.test' },
        dist: { signatures: signed },
      },
    },
  });

  it('reads every signal of a full packument from the registry itself', () => {
    const signals = npmVersionSignals(full, '1.2.0', { clock });
    expect(signals.releasedAt).toEqual({ known: true, value: '2026-10-02T00:00:00.000Z' });
    expect(signals.ageDays).toEqual({ known: true, value: 30 });
    expect(signals.releasesLastYear).toEqual({ known: true, value: 2 });
    expect(signals.daysSinceLastRelease).toEqual({ known: true, value: 30 });
    expect(signals.deprecated).toEqual({ known: true, value: 'moved to pkg2' });
    expect(signals.installScripts).toEqual({ known: true, value: ['postinstall'] });
    expect(signals.provenance).toEqual({ known: true, value: false });
    expect(signals.provenanceDropped).toEqual({ known: true, value: true });
    expect(signals.maintainers).toEqual({ known: true, value: 2 });
    expect(signals.license).toEqual({ known: true, value: 'ISC' });
    expect(signals.repository).toEqual({ known: true, value: { url: 'github.com/owner/pkg', confidence: 'claimed' } });
    expect(signals.publishedBy).toEqual({ known: true, value: 'b' });
  });

  it('computes the days since the last release over 150,000 versions (issue 7: Math.max(...times) overflowed the stack on 300,000)', () => {
    const time: Record<string, string> = { created: '2020-01-01T00:00:00.000Z' };
    const versions: Record<string, unknown> = {};
    for (let index = 0; index < 150_000; index++) {
      const version = `0.0.${index}`;
      time[version] = new Date(Date.parse('2025-01-01T00:00:00.000Z') + index * 120_000).toISOString();
      versions[version] = { name: 'many', version };
    }
    const packument = { name: 'many', 'dist-tags': {}, time, versions } as unknown as NpmPackument;
    // The last one, 0.0.149999, was published 299,998 minutes (208.3 days) after 2025-01-01: 460 days before the clock.
    // (A version the packument lacks: the release-history signals are computed all the same, the per-version ones are skipped.)
    expect(npmVersionSignals(packument, '9.9.9', { clock }).daysSinceLastRelease).toEqual({ known: true, value: 460 });
  });

  it('says provenance is present and not dropped where it is', () => {
    const signals = npmVersionSignals(full, '1.1.0', { clock });
    expect(signals.provenance).toEqual({ known: true, value: true });
    expect(signals.provenanceDropped).toEqual({ known: true, value: false });
    expect(signals.installScripts).toEqual({ known: true, value: [] });
  });

  it('marks what a mirror stripped as unknown, never false or zero (recorded mirror packument)', async () => {
    const { client, agent } = replayClient(cassette, { persist: true });
    const packument = await createNpmRegistry({ http: client, resolveRegistry: () => ({ url: REGISTRY }) }).packument('@lumino/widgets', 'full');
    const signals = npmVersionSignals(packument!, '2.10.0', { clock });
    // This mirror serves neither maintainers, _npmUser, attestations nor registry signatures.
    expect(signals.maintainers?.known).toBe(false);
    expect(signals.publishedBy.known).toBe(false);
    expect(signals.provenance?.known).toBe(false);
    expect(signals.provenanceDropped?.known).toBe(false);
    expect(signals.releasedAt).toEqual({ known: true, value: '2026-10-08T09:00:47+00:00' });
    expect(signals.ageDays).toEqual({ known: true, value: 23 });
    expect(signals.license).toEqual({ known: true, value: 'BSD-3-Clause' });
    expect(signals.repository).toEqual({ known: true, value: { url: 'github.com/jupyterlab/lumino', confidence: 'claimed' } });
    expect(signals.installScripts).toEqual({ known: true, value: [] });
    expect(signals.deprecated).toEqual({ known: true, value: false });
    await client.close();
    await agent.close();
  });

  it('leaves time-based signals unknown on an abbreviated packument, and install scripts unknown when only flagged', () => {
    const abbreviated = NpmPackument.parse({
      name: 'native',
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { name: 'native', version: '1.0.0', hasInstallScript: true } },
    });
    const signals = npmVersionSignals(abbreviated, '1.0.0', { clock });
    expect(signals.releasedAt?.known).toBe(false);
    expect(signals.releasesLastYear?.known).toBe(false);
    expect(signals.installScripts?.known).toBe(false);
    expect(signals.maintainers?.known).toBe(false);
    expect(signals.license?.known).toBe(false);
  });

  it('answers unknown for a version the packument does not have', () => {
    const signals = npmVersionSignals(full, '9.9.9', { clock });
    expect(signals.deprecated?.known).toBe(false);
    expect(signals.releasedAt?.known).toBe(false);
  });
});

describe('what the HTTP cache keeps of packuments (a real client over a MockAgent)', () => {
  it.each([
    ['a captive portal page', '<!DOCTYPE html><html><body>Sign in to continue</body></html>', 'https://registry.npm.test/left-pad answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror?'],
    ['a cut-off document', '{"name":"left-pad","versions":{"1.0.0":{"name":"left-pad","version":"1.0', /^https:\/\/registry\.npm\.test\/left-pad is not JSON \(/],
    ['JSON without a name', '{"error":"Not found"}', 'https://registry.npm.test/left-pad has no package name'],
  ])('%s is a HostError and is not kept', async (_label, body, message) => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('https://registry.npm.test').intercept({ path: '/left-pad', method: 'GET' }).reply(200, body, { headers: { 'content-type': 'application/json' } });
    const cache = openHttpCache(':memory:');
    const http = createHttpClient({ dispatcher: agent, cache, sleep: async () => {} });
    try {
      const error = await createNpmRegistry({ http, resolveRegistry: () => ({ url: REGISTRY }) })
        .packument('left-pad')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(HostError);
      expect((error as HostError).message).toMatch(message);
      expect(cache.size()).toBe(0);
    } finally {
      await http.close();
      cache.close();
      await agent.close();
    }
  });
});
