import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from '@hono/zod-openapi';
import { buildServeFixture, HOSTILE_PAYLOADS, type ServeFixture } from '../../test/serve-fixture.js';
import { createDashboard, type Dashboard } from './app.js';
import { AdvisoriesSchema, ConcernsSchema, ErrorSchema, FindingsSchema, GraphSchema, HealthSchema, PackageSchema, PostureSchema, ProfilesSchema, ReportSchema, RunsSchema } from './schemas.js';
import { CONTENT_SECURITY_POLICY } from './security.js';

const directory = mkdtempSync(path.join(tmpdir(), 'serve-app-'));
const historyDirectory = path.join(directory, 'data');
const uiDirectory = path.join(directory, 'ui');
const SECRET = 'ghp_0123456789abcdefghijABCDEFGHIJ0123';
const env = { GH_TOKEN: SECRET, NPM_TOKEN: 'npm_abcdefghijklmnopqrstuvwxyz0123456789' };
let fixture: ServeFixture;
let dashboard: Dashboard;
/** Every API body the tests received: the no-leak test reads them all. */
const bodies: { path: string; text: string }[] = [];

beforeAll(async () => {
  fixture = buildServeFixture(path.join(historyDirectory, 'graph.sqlite'));
  mkdirSync(path.join(uiDirectory, 'assets'), { recursive: true });
  writeFileSync(path.join(uiDirectory, 'index.html'), '<!doctype html><title>chainwatch</title><script type="module" src="/assets/index-Bx9_k2Qa.js"></script>');
  writeFileSync(path.join(uiDirectory, 'assets', 'index-Bx9_k2Qa.js'), 'console.log(1)');
  writeFileSync(path.join(uiDirectory, 'assets', 'style.css'), 'body{}');
  writeFileSync(path.join(directory, 'secret.txt'), 'outside the UI');
  symlinkSync(path.join(directory, 'secret.txt'), path.join(uiDirectory, 'assets', 'link.txt'));
  dashboard = await createDashboard({ historyPath: fixture.path, host: '127.0.0.1', uiDirectory, env, cwd: directory });
});
afterAll(() => {
  dashboard.close();
  rmSync(directory, { recursive: true, force: true });
});

async function get(target: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await dashboard.app.request(`http://127.0.0.1:8080${target}`, init);
  const text = await response.text();
  if (target.startsWith('/api/')) bodies.push({ path: target, text });
  let json: unknown = null;
  if ((response.headers.get('content-type') ?? '').startsWith('application/json')) json = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, json };
}

/** The body, checked against the route's schema (the OpenAPI document is generated from it). */
async function getValid<Schema extends z.ZodType>(target: string, schema: Schema): Promise<z.infer<Schema>> {
  const response = await get(target);
  expect(response.status, `${target}: ${response.text.slice(0, 300)}`).toBe(200);
  const parsed = schema.safeParse(response.json);
  if (!parsed.success) throw new Error(`${target} does not match its schema: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
  return parsed.data;
}

async function expectError(target: string, status: number, code: string): Promise<string> {
  const response = await get(target);
  expect(response.status, target).toBe(status);
  const parsed = ErrorSchema.parse(response.json);
  expect(parsed.error.code).toBe(code);
  return parsed.error.message;
}

const encoded = (purl: string) => encodeURIComponent(purl);

describe('the API over the fixture', () => {
  it('answers health, profiles and runs', async () => {
    expect(await getValid('/api/health', HealthSchema)).toEqual({ ok: true, version: expect.any(String) });
    const { profiles } = await getValid('/api/profiles', ProfilesSchema);
    expect(profiles.map((profile) => [profile.identity, profile.latest.id, profile.runs])).toEqual([
      [fixture.identity, fixture.runs.second, 2],
      [fixture.otherIdentity, fixture.runs.other, 1],
    ]);
    const { runs } = await getValid(`/api/runs?identity=${encodeURIComponent(fixture.identity)}`, RunsSchema);
    expect(runs.map((run) => run.id)).toEqual([fixture.runs.first, fixture.runs.second]);
    expect(runs[1]).toMatchObject({ command: 'audit', status: 'partial', packages: 69, label: 'preset:jupyter', parts: expect.arrayContaining(['graph', 'posture']) });
    expect((await getValid('/api/runs', RunsSchema)).runs).toHaveLength(3);
    expect((await getValid('/api/runs?identity=nobody', RunsSchema)).runs).toEqual([]);
  });

  it('gives the report of a run (latest by default) and the diff between two runs', async () => {
    const report = await getValid('/api/runs/latest/report', ReportSchema);
    expect(report.run.id).toBe(fixture.runs.second);
    expect(report.since?.id).toBe(fixture.runs.first);
    expect(report.changes!.packages!.added.map((entry) => entry.name)).toContain('core-js');
    expect(report.trends.map((point) => point.id)).toEqual([fixture.runs.first, fixture.runs.second]);
    expect(await getValid(`/api/runs/${fixture.runs.second}/report`, ReportSchema)).toEqual(report);
    const since = await getValid(`/api/runs/${fixture.runs.second}/report?since=${fixture.runs.other}`, ReportSchema);
    expect(since.since?.id).toBe(fixture.runs.other);
    expect(since.notes.join(' ')).toContain('asked differently');
    const diff = await getValid(`/api/diff?from=${fixture.runs.first}&to=${fixture.runs.second}`, ReportSchema);
    expect(diff.changes).toEqual(report.changes);
    const first = await getValid(`/api/runs/${fixture.runs.first}/report`, ReportSchema);
    expect(first.since).toBeNull();
    expect(first.changes).toBeNull();
  });

  it('gives the concerns, the graph, a package, the findings, the posture and the advisories', async () => {
    const concerns = await getValid('/api/runs/latest/concerns', ConcernsSchema);
    expect(concerns).toMatchObject({ run: fixture.runs.second, available: true, ranked: 69 });
    expect(concerns.rows[0]!.weakness.factors.length).toBeGreaterThan(6);

    const graph = await getValid('/api/runs/latest/graph', GraphSchema);
    expect(graph.nodes).toHaveLength(69);
    expect(graph.edges.some((edge) => graph.edge_kinds[edge[2]] === 'bundles')).toBe(true);

    const detail = await getValid(`/api/runs/latest/packages/${encoded(fixture.packages.bundled)}`, PackageSchema);
    expect(detail).toMatchObject({ purl: fixture.packages.bundled, ecosystem: 'npm', name: '@jupyterlab/services' });
    expect(detail.paths[0]![0]).toMatch(/^pkg:pypi\//);
    // The scope written as `@` finds the same package.
    expect(await getValid(`/api/runs/latest/packages/${encoded('pkg:npm/@jupyterlab/services@7.2.5')}`, PackageSchema)).toEqual(detail);

    const findings = await getValid('/api/runs/latest/findings', FindingsSchema);
    expect(findings.advisories[0]).toMatchObject({ id: 'GHSA-c7vm-f5p4-8fqh', severity: 'critical', packages: [{ purl: fixture.packages.critical, fix: '2.14.1' }] });

    const posture = await getValid('/api/runs/latest/posture', PostureSchema);
    expect(posture.repos.find((repo) => repo.repo === fixture.archivedRepo)).toMatchObject({ archived: true, inactive: true });
    expect(posture.repos[0]!.checks['dependency-update-tool']!.docs).toBe('/docs/checks#check-dependency-update-tool');

    const advisories = await getValid('/api/runs/latest/advisories', AdvisoriesSchema);
    expect(advisories.available).toBe(true);
    expect(advisories.advisories.map((row) => row.id)).toContain(fixture.hostileDeskId);
    // Hostile text is data: the API sends it as it came (JSON-escaped), the UI sanitises it when it renders Markdown.
    const hostile = advisories.advisories.find((row) => row.id === fixture.hostileDeskId)!;
    for (const payload of HOSTILE_PAYLOADS) expect(hostile.description).toContain(payload);

    const other = await getValid(`/api/runs/${fixture.runs.other}/advisories`, AdvisoriesSchema);
    expect(other).toMatchObject({ available: false, reason: expect.stringContaining('skipped'), advisories: [] });
    expect(await getValid(`/api/runs/${fixture.runs.other}/posture`, PostureSchema)).toMatchObject({ available: false, repos: [] });
  });

  it('pages the long lists on the server: words, a column, filters, a page, and all rows for an export', async () => {
    const all = await getValid('/api/runs/latest/concerns?limit=all', ConcernsSchema);
    expect(all).toMatchObject({ total: 69, offset: 0 });
    expect(all.rows).toHaveLength(69);
    expect(all.factor_names).toEqual(expect.arrayContaining(['advisories', 'stale']));
    // A page is a slice of the same order; the default page is 100 rows.
    const page = await getValid('/api/runs/latest/concerns?offset=10&limit=5', ConcernsSchema);
    expect(page).toMatchObject({ total: 69, offset: 10 });
    expect(page.rows.map((row) => row.purl)).toEqual(all.rows.slice(10, 15).map((row) => row.purl));
    // Sorted by score, biggest first, nulls last; filtered by words of any column.
    const byScore = await getValid('/api/runs/latest/concerns?sort=-score&limit=all', ConcernsSchema);
    const scores = byScore.rows.map((row) => row.score).filter((score): score is number => score !== null);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const npm = await getValid('/api/runs/latest/concerns?q=npm&limit=all', ConcernsSchema);
    // Every npm package is kept (its ecosystem column says npm), and rows without the word are not.
    expect(npm.rows.filter((row) => row.ecosystem === 'npm')).toHaveLength(all.rows.filter((row) => row.ecosystem === 'npm').length);
    expect(npm.rows.filter((row) => row.ecosystem === 'npm').length).toBeGreaterThan(0);
    expect(npm.total).toBeLessThan(all.total);

    const matrix = await getValid('/api/runs/latest/posture?limit=all', PostureSchema);
    expect(matrix.counts.repos).toBe(matrix.total);
    const hidden = await getValid('/api/runs/latest/posture?archived=hide&limit=all', PostureSchema);
    expect(hidden.total).toBe(matrix.total - matrix.counts.archived);
    expect(hidden.repos.some((repo) => repo.repo === fixture.archivedRepo)).toBe(false);
    const only = await getValid('/api/runs/latest/posture?archived=only', PostureSchema);
    expect(only.repos.map((repo) => repo.repo)).toEqual([fixture.archivedRepo]);
    const failing = await getValid('/api/runs/latest/posture?check=dependency-update-tool&outcome=fail&limit=all', PostureSchema);
    expect(failing.repos.length).toBeGreaterThan(0);
    expect(failing.repos.every((repo) => repo.checks['dependency-update-tool']?.outcome === 'fail')).toBe(true);
    // Coverage stays the whole run's whatever the page.
    expect(failing.coverage).toEqual(matrix.coverage);
    const second = await getValid('/api/runs/latest/posture?sort=-repo&offset=1&limit=1', PostureSchema);
    expect(second.repos.map((repo) => repo.repo)).toEqual([[...matrix.repos.map((repo) => repo.repo)].sort((a, b) => b.localeCompare(a, 'en', { numeric: true, sensitivity: 'base' }))[1]]);

    await expectError('/api/runs/latest/posture?limit=1001', 400, 'invalid-argument');
    await expectError('/api/runs/latest/concerns?sort=a%20b', 400, 'invalid-argument');
    await expectError('/api/runs/latest/posture?archived=maybe', 400, 'invalid-argument');
  });

  it('says what is wrong with 400 and what is missing with 404, in the error shape', async () => {
    expect(await expectError('/api/runs/abc/graph', 400, 'invalid-argument')).toContain('run');
    await expectError('/api/runs/0/graph', 400, 'invalid-argument');
    await expectError('/api/runs/1.5/report', 400, 'invalid-argument');
    await expectError(`/api/runs/latest/packages/${encoded('not a purl')}`, 400, 'invalid-argument');
    await expectError('/api/runs/latest/report?since=x', 400, 'invalid-argument');
    expect(await expectError(`/api/runs/${fixture.runs.first}/report?since=${fixture.runs.second}`, 400, 'invalid-argument')).toContain('not older');
    await expectError('/api/diff?from=1', 400, 'invalid-argument');
    await expectError(`/api/diff?from=${fixture.runs.second}&to=${fixture.runs.first}`, 400, 'invalid-argument');
    expect(await expectError('/api/runs/99/report', 404, 'not-found')).toBe('no run 99 in the history');
    for (const view of ['graph', 'concerns', 'findings', 'posture', 'advisories']) await expectError(`/api/runs/99/${view}`, 404, 'not-found');
    await expectError(`/api/runs/latest/report?since=99`, 404, 'not-found');
    await expectError(`/api/diff?from=99&to=${fixture.runs.second}`, 404, 'not-found');
    await expectError(`/api/diff?from=${fixture.runs.first}&to=99`, 404, 'not-found');
    await expectError(`/api/runs/99/packages/${encoded(fixture.packages.critical)}`, 404, 'not-found');
    expect(await expectError(`/api/runs/latest/packages/${encoded('pkg:pypi/six@1.16.0')}`, 404, 'not-found')).toContain('in the graph of run');
    await expectError('/api/nothing-here', 404, 'not-found');
    await expectError('/api', 404, 'not-found');
  });

  it('answers `latest` with 404 when the history holds no audit run', async () => {
    const { openGraphStore } = await import('../store/graph-store.js');
    const empty = path.join(directory, 'empty', 'graph.sqlite');
    mkdirSync(path.dirname(empty));
    openGraphStore(empty).close();
    const other = await createDashboard({ historyPath: empty, host: '127.0.0.1', uiDirectory, env });
    try {
      const response = await other.app.request('http://127.0.0.1/api/runs/latest/report');
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: 'not-found', message: 'no audit run in the history yet: `chainwatch audit` saves one' } });
      expect(await (await other.app.request('http://127.0.0.1/api/profiles')).json()).toEqual({ profiles: [] });
    } finally {
      other.close();
    }
  });

  it('puts the security headers on every response, and no-store on the API', async () => {
    for (const target of ['/api/health', '/api/runs/99/graph', '/', '/assets/index-Bx9_k2Qa.js', '/docs/checks', '/nowhere.png']) {
      const { headers } = await get(target);
      expect(headers.get('content-security-policy'), target).toBe(CONTENT_SECURITY_POLICY);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
      if (target.startsWith('/api/')) expect(headers.get('cache-control')).toBe('no-store');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('never sends the history’s directory, a local path beside it, the home directory or a secret', async () => {
    // Every package of both runs, so every body the fixture can give has been asked for.
    for (const run of [fixture.runs.first, fixture.runs.second, fixture.runs.other]) {
      for (const view of ['report', 'concerns', 'graph', 'findings', 'posture', 'advisories']) await get(`/api/runs/${run}/${view}`);
      const graph = (await get(`/api/runs/${run}/graph`)).json as { nodes: { id: string }[] };
      for (const node of graph.nodes) await get(`/api/runs/${run}/packages/${encoded(node.id)}`);
    }
    await get(`/api/diff?from=${fixture.runs.first}&to=${fixture.runs.second}`);
    await get('/api/openapi.json');
    const forbidden = [historyDirectory, directory, ...fixture.localPaths, ...fixture.secrets, ...Object.values(env), homedir()];
    expect(bodies.length).toBeGreaterThan(150);
    for (const { path: target, text } of bodies) for (const needle of forbidden) expect(text.includes(needle), `${target} contains ${needle}`).toBe(false);
    // What was there is named, not dropped.
    const report = bodies.find((body) => body.path === `/api/runs/${fixture.runs.second}/report`)!.text;
    expect(report).toContain('[history]/pypa-advisory-database');
    expect(report).toContain('https://***@mirror.example/simple/');
  });
});

describe('caching', () => {
  it('sends large bodies gzipped to clients that accept it, the same JSON', async () => {
    const { gunzipSync } = await import('node:zlib');
    const plain = await dashboard.app.request('http://127.0.0.1/api/runs/latest/concerns');
    const zipped = await dashboard.app.request('http://127.0.0.1/api/runs/latest/concerns', { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const bytes = Buffer.from(await zipped.arrayBuffer());
    expect(gunzipSync(bytes).toString('utf8')).toBe(await plain.text());
    expect(bytes.length).toBeLessThan(Number(plain.headers.get('content-length') ?? Infinity));
  });

  it('sees a run saved while it serves: `latest` and the lists follow the history', async () => {
    const { openGraphStore } = await import('../store/graph-store.js');
    const { auditParts, saveAudit } = await import('../audit/report-history.fixture.js');
    const copy = buildServeFixture(path.join(directory, 'live', 'graph.sqlite'));
    const live = await createDashboard({ historyPath: copy.path, host: '127.0.0.1', uiDirectory, env });
    try {
      const latest = async () => ((await (await live.app.request('http://127.0.0.1/api/runs/latest/graph')).json()) as { run: number }).run;
      expect(await latest()).toBe(copy.runs.second);
      const writer = openGraphStore(copy.path);
      const added = saveAudit(writer, '2026-11-16T06:00:00Z', null, auditParts({}), { label: 'preset:jupyter', roots: ['pkg:pypi/jupyterlab'], orgs: [] });
      writer.close();
      expect(await latest()).toBe(added);
      const profiles = (await (await live.app.request('http://127.0.0.1/api/profiles')).json()) as { profiles: unknown[] };
      expect(profiles.profiles).toHaveLength(3);
    } finally {
      live.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1, lists every route with its parameters and responses, and its schemas compile as JSON Schema 2020-12', async () => {
    const { json, status } = await get('/api/openapi.json');
    expect(status).toBe(200);
    const document = json as { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean; schema: object }[]; responses: Record<string, { description: string; content?: Record<string, { schema: object }> }> }>>; components: { schemas: Record<string, object>; securitySchemes: Record<string, { type: string; scheme: string }> } };
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBeTruthy();
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/api/diff',
        '/api/health',
        '/api/openapi.json',
        '/api/profiles',
        '/api/runs',
        '/api/runs/{run}/advisories',
        '/api/runs/{run}/concerns',
        '/api/runs/{run}/findings',
        '/api/runs/{run}/graph',
        '/api/runs/{run}/packages/{purl}',
        '/api/runs/{run}/posture',
        '/api/runs/{run}/report',
      ].sort(),
    );
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);
    for (const [route, operations] of Object.entries(document.paths)) {
      expect(Object.keys(operations)).toEqual(['get']);
      const operation = operations.get!;
      const placeholders = [...route.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      expect((operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name)).toEqual(placeholders);
      for (const parameter of operation.parameters ?? []) {
        expect(['path', 'query']).toContain(parameter.in);
        if (parameter.in === 'path') expect(parameter.required).toBe(true);
      }
      expect(operation.responses['200']?.description).toBeTruthy();
      expect(operation.responses['200']?.content?.['application/json']?.schema).toBeTruthy();
      if (route !== '/api/openapi.json') expect(operation.responses['401']).toBeTruthy();
      for (const response of Object.values(operation.responses)) {
        for (const media of Object.values(response.content ?? {})) expect(() => ajv.compile(media.schema)).not.toThrow();
      }
    }
    // The document describes the data: the fixture's report validates against it.
    const validate = ajv.getSchema('#/components/schemas/Report')!;
    const report = (await get('/api/runs/latest/report')).json;
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(validate({ ...(report as object), run: { id: 'three' } })).toBe(false);
  });
});

describe('static files', () => {
  it('serves the UI with content types, caches hashed assets, falls back to index.html for client routes', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = await get('/assets/index-Bx9_k2Qa.js');
    expect(asset).toMatchObject({ status: 200, text: 'console.log(1)' });
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/style.css')).headers.get('cache-control')).toBe('no-cache');
    const route = await get('/package/pkg%3Apypi%2Ftornado%406.4.1?run=3');
    expect(route.status).toBe(200);
    expect(route.text).toBe(index.text);
    expect((await get('/assets/missing-Bx9_k2Qa.js')).status).toBe(404);
    const head = await dashboard.app.request('http://127.0.0.1/assets/index-Bx9_k2Qa.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('never serves a file outside the UI directory', async () => {
    for (const target of ['/../secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/link.txt', '/assets%5c..%5csecret.txt', '/%00index.html']) {
      const response = await get(target);
      expect(response.text, target).not.toContain('outside the UI');
      expect([400, 404], target).toContain(response.status);
    }
  });

  it('says to run `npm run build` when the UI is not built, while the API answers', async () => {
    const bare = await createDashboard({ historyPath: fixture.path, host: '127.0.0.1', uiDirectory: path.join(directory, 'no-ui'), env });
    try {
      expect(bare.uiBuilt).toBe(false);
      const page = await bare.app.request('http://127.0.0.1/');
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('npm run build');
      expect((await bare.app.request('http://127.0.0.1/api/health')).status).toBe(200);
    } finally {
      bare.close();
    }
  });

  it('serves the checks’ documentation the posture docs links open, with the README’s anchors', async () => {
    const page = await get('/docs/checks');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="check-pinned-actions"');
    expect(page.text).toContain('Actions are pinned to full commit SHAs');
    expect(page.text).not.toContain('<script');
  });
});

describe('requests to other host names, without a token', () => {
  it('refuses them (DNS rebinding), and answers loopback names', async () => {
    const rebound = await dashboard.app.request('http://attacker.example:8080/api/profiles');
    expect(rebound.status).toBe(403);
    expect(await rebound.json()).toMatchObject({ error: { code: 'forbidden-host' } });
    for (const origin of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080']) expect((await dashboard.app.request(`${origin}/api/health`)).status, origin).toBe(200);
  });
});
