import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { HostError } from '../../core/errors.js';
import { createHttpClient } from '../../http/client.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/types.js';
import { openHttpCache } from '../../store/http-cache.js';
import { replayClient } from '../../../test/http-replay.js';
import {
  ABBREVIATED_ACCEPT,
  FULL_ACCEPT,
  TRIMMED_PACKUMENT_FORM,
  createNpmRegistry,
  escapePackageName,
  packumentUrlFor,
  trimPackument,
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

/** Every field of a parsed packument, each version's manifest read (they are parsed on first read). */
function everything(packument: NpmPackument | null): unknown {
  if (!packument) return packument;
  return { ...packument, versions: Object.fromEntries(Object.entries(packument.versions).map(([version, manifest]) => [version, { ...manifest }])) };
}

describe('trimmed packuments in the HTTP cache', () => {
  it('reads every recorded packument exactly as the whole document reads', () => {
    let whole = 0;
    let trimmed = 0;
    for (const fixture of ['lumino-widgets', 'jupyter-widgets-base']) {
      const interactions = (JSON.parse(gunzipSync(readFileSync(new URL(`./fixtures/${fixture}.cassette.json.gz`, import.meta.url))).toString('utf8')) as { interactions: { body?: string }[] }).interactions;
      for (const interaction of interactions) {
        if (!interaction.body) continue;
        const json = JSON.parse(interaction.body) as Record<string, unknown>;
        const kept = JSON.stringify(trimPackument(json));
        whole += interaction.body.length;
        trimmed += kept.length;
        expect(everything(NpmPackument.parse(JSON.parse(kept)))).toEqual(everything(NpmPackument.parse(json)));
      }
    }
    // The recorded documents were cut down to the schema's fields when recorded (fixtures/readme.md): nothing more goes.
    expect(trimmed).toBe(whole);
  });

  it('keeps what the schema reads, drops the rest, and keeps odd version keys as keys', () => {
    const json = JSON.parse(
      '{"name":"p","readme":"long","dist-tags":{"latest":"1.0.0"},"time":{"1.0.0":"2024-01-01T00:00:00Z"},"versions":{"1.0.0":{"name":"p","version":"1.0.0","description":"x","devDependencies":{"a":"1"},"dependencies":{"b":"^1"},"scripts":{"test":"vitest","postinstall":"node x.js"},"dist":{"tarball":"https://registry.npm.test/p/-/p-1.0.0.tgz","fileCount":3,"integrity":"sha512-x","attestations":{"url":"u"}}},"__proto__":{"name":"p","version":"__proto__"}}}',
    ) as Record<string, unknown>;
    const kept = JSON.parse(JSON.stringify(trimPackument(json))) as { readme?: unknown; versions: Record<string, Record<string, unknown>> };
    expect(kept.readme).toBeUndefined();
    expect(kept.versions['1.0.0']).toEqual({
      name: 'p',
      version: '1.0.0',
      dependencies: { b: '^1' },
      scripts: { postinstall: 'node x.js' },
      dist: { tarball: 'https://registry.npm.test/p/-/p-1.0.0.tgz', integrity: 'sha512-x', attestations: { url: 'u' } },
    });
    expect(Object.keys(kept.versions)).toEqual(['1.0.0', '__proto__']);
    expect(Object.keys(NpmPackument.parse(kept).versions)).toEqual(Object.keys(NpmPackument.parse(json).versions));
  });

  it('answers a second run from the trimmed form without a request while it is fresh, and asks again once it is not', async () => {
    const body = JSON.stringify({ ...minimal, readme: 'x'.repeat(100_000), versions: { '1.0.0': { ...minimal.versions['1.0.0'], readme: 'y'.repeat(50_000), dependencies: { a: '^1' } } } });
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('https://registry.npm.test');
    pool.intercept({ path: '/left-pad', method: 'GET' }).reply(200, body, { headers: { 'content-type': 'application/json' } }).times(2);
    const cache = openHttpCache(':memory:');
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = { now: () => new Date(now) };
    const run = async () => {
      const http = createHttpClient({ dispatcher: agent, cache, clock, maxAgeMs: 300_000, sleep: async () => {} });
      const packument = await createNpmRegistry({ http, resolveRegistry: () => ({ url: REGISTRY }) }).packument('left-pad');
      const stats = http.stats();
      await http.close();
      return { packument, requests: stats.requests };
    };
    try {
      const cold = await run();
      expect(cold.requests).toBe(1);
      now += 60_000;
      const warm = await run();
      expect(warm.requests).toBe(0);
      expect(everything(warm.packument)).toEqual(everything(cold.packument));
      expect(warm.packument?.versions['1.0.0']?.dependencies).toEqual({ a: '^1' });
      // The kept body is the trimmed document, not the 150 kB the registry sent.
      const kept = cache.get({ method: 'GET', url: `${REGISTRY}left-pad`, vary: `accept=${ABBREVIATED_ACCEPT}\nform=${TRIMMED_PACKUMENT_FORM}` });
      expect(kept?.body.length).toBeLessThan(300);
      now += 600_000;
      expect((await run()).requests).toBe(1);
    } finally {
      cache.close();
      await agent.close();
    }
  });
});
