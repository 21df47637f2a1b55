import { generateKeyPairSync, createSign } from 'node:crypto';
import { parse } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGithubCollector } from '../../src/posture/collect/github.js';
import { openGithubCache } from '../../src/store/github-cache.js';
import { fixedClock } from '../../src/core/clock.js';
import { FIXTURE_NOW, fixtureOrgs, generatedOrg } from './fixtures.js';
import { queryCost } from './graphql.js';
import { treeOid } from './model.js';
import { createOpenApiValidator, type OpenApiValidator } from './openapi.js';
import { startFakeGithub, type FakeGithub, type ServedResponse } from './server.js';
import { describeWithSharedData } from '../shared-data.js';

const TOKEN = 'ghp_FakeServer0Test1Token2Value3Abcdefgh';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

function appJwt(appId: number, nowSeconds: number): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: nowSeconds - 30, exp: nowSeconds + 540, iss: appId })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url')}`;
}

describeWithSharedData('the fake GitHub server answers as GitHub describes its REST API', () => {
  let fake: FakeGithub;
  let validator: OpenApiValidator;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fake.url}${path}`, { headers: { authorization: `token ${TOKEN}`, ...headers } });

  beforeAll(async () => {
    const templates = fixtureOrgs();
    const generated = generatedOrg({ login: 'generated', repoCount: 60, templates: templates.flatMap((org) => org.repos), sourceFiles: 5, members: 5 });
    fake = await startFakeGithub({
      orgs: [...templates, generated],
      tokens: { [TOKEN]: 'octocat' },
      record: true,
      app: { appId: 7, installationId: 8, publicKeyPem: publicKey, installationToken: 'ghs_FakeInstallation0Token1abcdefghijk' },
    });
    validator = createOpenApiValidator();
    // Everything the collector asks for, cold (200s, 403s, 404s, Link pages) and warm (304s).
    const cache = openGithubCache(':memory:');
    for (let run = 0; run < 2; run++) {
      const collector = createGithubCollector({ token: TOKEN, baseUrl: fake.url, cache, clock: fixedClock(FIXTURE_NOW), sleep: async () => {} });
      for (const org of ['jupyter', 'jupyterlab', 'generated']) await collector.collectOrg(org);
    }
    cache.close();
    // And the answers the collector never provokes.
    const nbformat = templates.find((org) => org.login === 'jupyter')!.repos.find((repo) => repo.name === 'nbformat')!;
    await get(`/repos/jupyter/nbformat/git/trees/${treeOid(nbformat)}`);
    await get('/repos/jupyter/empty-repo/git/trees/main');
    await get('/repos/jupyter/nbformat/git/trees/0000000000000000000000000000000000000000');
    await get('/repos/jupyter/nbformat/git/ref/tags/v5.11.1');
    await get('/repos/jupyter/nbformat/git/ref/tags/no-such-tag');
    await get('/orgs/jupyter/members?role=admin&per_page=1');
    await get('/orgs/jupyter/members?per_page=2&page=2');
    await get('/orgs/no-such-org/outside_collaborators');
    await get('/repos/jupyter/nbformat/private-vulnerability-reporting', { authorization: 'token ghp_NotAKnownToken0000000000000000000000' });
    fake.injectFault({ kind: 'secondary-403', path: /private-vulnerability-reporting/, times: 1 });
    await get('/repos/jupyter/nbformat/private-vulnerability-reporting');
    fake.injectFault({ kind: 'secondary-429', path: /actions\/secrets/, times: 1 });
    await get('/repos/jupyter/nbformat/actions/secrets');
    fake.exhaustRateLimit(TOKEN, 60);
    await get('/repos/jupyter/nbformat/dependabot/alerts');
    fake.resetRateLimits();
    await fetch(`${fake.url}/app/installations/8/access_tokens`, { method: 'POST', headers: { authorization: `bearer ${appJwt(7, Math.floor(Date.now() / 1000))}` } });
    await fetch(`${fake.url}/app/installations/8/access_tokens`, { method: 'POST', headers: { authorization: 'bearer not.a.jwt' } });
  });
  afterAll(() => fake.close());

  it('serves only operations GitHub has, each answer matching its schema', () => {
    const problems = fake.served.flatMap((response) => validator.check(response));
    expect(problems).toEqual([]);
  });

  it('served every kind of answer the collector meets', () => {
    const kinds = new Set(fake.served.map((response) => `${response.method} ${response.template} ${response.status}`));
    for (const kind of [
      'GET /orgs/{org}/actions/permissions/workflow 200',
      'GET /orgs/{org}/actions/permissions/workflow 403',
      'GET /orgs/{org}/actions/permissions/workflow 304',
      'GET /orgs/{org}/outside_collaborators 200',
      'GET /orgs/{org}/outside_collaborators 403',
      'GET /orgs/{org}/outside_collaborators 404',
      'GET /orgs/{org}/members 200',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha} 200',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha} 404',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha} 409',
      'GET /repos/{owner}/{repo}/git/ref/{ref} 200',
      'GET /repos/{owner}/{repo}/git/ref/{ref} 404',
      'GET /repos/{owner}/{repo}/private-vulnerability-reporting 200',
      'GET /repos/{owner}/{repo}/private-vulnerability-reporting 304',
      'GET /repos/{owner}/{repo}/private-vulnerability-reporting 403',
      'GET /repos/{owner}/{repo}/private-vulnerability-reporting 404',
      'GET /repos/{owner}/{repo}/dependabot/alerts 200',
      'GET /repos/{owner}/{repo}/dependabot/alerts 304',
      'GET /repos/{owner}/{repo}/dependabot/alerts 403',
      'GET /repos/{owner}/{repo}/dependabot/alerts 404',
      'GET /repos/{owner}/{repo}/actions/secrets 200',
      'GET /repos/{owner}/{repo}/actions/secrets 304',
      'GET /repos/{owner}/{repo}/actions/secrets 403',
      'GET /repos/{owner}/{repo}/actions/secrets 429',
      'POST /app/installations/{installation_id}/access_tokens 201',
      'POST /app/installations/{installation_id}/access_tokens 401',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(fake.served.some((response) => response.status === 401 && (response.body as { message?: string }).message === 'Bad credentials')).toBe(true);
  });

  it('pages with Link headers, answers 304 without charging, reports rate limits', () => {
    const page = fake.served.find((response) => response.url === '/orgs/jupyter/members?per_page=2&page=2')!;
    expect(page.headers.link).toBe(
      `<${fake.url}/orgs/jupyter/members?per_page=2&page=1>; rel="prev", <${fake.url}/orgs/jupyter/members?per_page=2&page=1>; rel="first"`,
    );
    const first = fake.served.find((response) => response.url === '/orgs/jupyter/members?role=admin&per_page=1')!;
    expect(first.headers.link).toBe(`<${fake.url}/orgs/jupyter/members?role=admin&per_page=1&page=2>; rel="next", <${fake.url}/orgs/jupyter/members?role=admin&per_page=1&page=2>; rel="last"`);
    const limited = fake.served.find((response) => response.template === '/repos/{owner}/{repo}/dependabot/alerts' && response.status === 403 && response.headers['x-ratelimit-remaining'] === '0')!;
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    const secondary = fake.served.find((response) => response.status === 429)!;
    expect(secondary.headers['retry-after']).toBe('1');
    const notModified = fake.served.filter((response) => response.status === 304);
    expect(notModified.length).toBeGreaterThan(0);
    for (const response of notModified) expect(response.body).toBeUndefined();
  });

  it.each<[string, (response: ServedResponse) => ServedResponse, RegExp]>([
    ['a required field missing', (response) => ({ ...response, body: {} }), /must have required property 'enabled'/],
    ['a field GitHub does not send', (response) => ({ ...response, body: { enabled: true, enabled_at: 'now' } }), /must NOT have additional properties \(enabled_at\)/],
    ['a wrong type', (response) => ({ ...response, body: { enabled: 'yes' } }), /must be boolean/],
    ['an operation GitHub does not have', (response) => ({ ...response, template: '/repos/{owner}/{repo}/private-vulnerability-reports' }), /no operation/],
    ['a body on a 304', (response) => ({ ...response, status: 304 }), /a body on a response that has none/],
  ])('would catch drift: %s', (_, mutate, problem) => {
    const answer = fake.served.find((response) => response.template === '/repos/{owner}/{repo}/private-vulnerability-reporting' && response.status === 200)!;
    expect(validator.check(answer)).toEqual([]);
    expect(validator.check(mutate(answer)).map((entry) => entry.problem).join('\n')).toMatch(problem);
  });
});

describeWithSharedData('the fake GitHub server answers GraphQL as GitHub does', () => {
  let fake: FakeGithub;
  const query = async (text: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${fake.url}/graphql`, { method: 'POST', headers: { authorization: `bearer ${TOKEN}` }, body: JSON.stringify({ query: text, variables }) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: { type?: string; message: string; path?: unknown[] }[] } };
  };

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: fixtureOrgs() });
  });
  afterAll(() => fake.close());

  it('rejects fields the schema does not have', async () => {
    const answer = await query('{ organization(login: "jupyter") { noSuchField } }');
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors![0]!.message).toMatch(/Cannot query field "noSuchField" on type "Organization"/);
  });

  it('requires first or last on connections, at most 100', async () => {
    const missing = await query('{ organization(login: "jupyter") { repositories { totalCount } } }');
    expect(missing.body.errors![0]).toMatchObject({ type: 'MISSING_PAGINATION_BOUNDARIES', path: ['organization', 'repositories'] });
    const excessive = await query('{ organization(login: "jupyter") { repositories(first: 101) { totalCount } } }');
    expect(excessive.body.errors![0]!.type).toBe('EXCESSIVE_PAGINATION');
  });

  it('answers NOT_FOUND for a missing repository beside the data that exists', async () => {
    const answer = await query('{ a: repository(owner: "jupyter", name: "nbformat") { isArchived } b: repository(owner: "jupyter", name: "nope") { isArchived } }');
    expect(answer.body.data).toEqual({ a: { isArchived: false }, b: null });
    expect(answer.body.errors).toEqual([expect.objectContaining({ type: 'NOT_FOUND', path: ['b'], message: "Could not resolve to a Repository with the name 'jupyter/nope'." })]);
  });

  it('charges points as GitHub counts them and says so in rateLimit and headers', async () => {
    // GitHub's documented example: 1 + 100 + 100 × 50 = 5,101 requests → 51 points.
    const documented = parse(
      '{ viewer { login repositories(first: 100) { edges { node { id issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } } }',
    );
    expect(queryCost(documented, {})).toBe(51);
    const answer = await query('query($n: Int!) { rateLimit { cost remaining } organization(login: "jupyter") { repositories(first: $n) { nodes { releases(first: 10) { totalCount } } } } }', { n: 50 });
    // 1 + 50 × 1 = 51 requests → 1 point.
    const used = Number(answer.headers.get('x-ratelimit-used'));
    expect(answer.body.data!.rateLimit).toEqual({ cost: 1, remaining: 5000 - used });
    expect(answer.headers.get('x-ratelimit-resource')).toBe('graphql');
    const again = await query('{ rateLimit { cost remaining } }');
    expect(again.body.data!.rateLimit).toEqual({ cost: 1, remaining: 5000 - used - 1 });
  });

  it('serves blobs and trees by expression and by id', async () => {
    const answer = await query(
      '{ repository(owner: "jupyter", name: "nbformat") { file: object(expression: "HEAD:SECURITY.md") { ... on Blob { oid text } } dir: object(expression: "HEAD:.github") { ... on Tree { entries { name type } } } } }',
    );
    const repository = answer.body.data!.repository as { file: { oid: string; text: string }; dir: { entries: { name: string; type: string }[] } };
    expect(repository.file.text).toMatch(/security@ipython.org/);
    // As in ../shared/data/projects/jupyter/nbformat/.github/.
    expect(repository.dir.entries).toEqual([
      { name: 'dependabot.yml', type: 'blob' },
      { name: 'scripts', type: 'tree' },
      { name: 'workflows', type: 'tree' },
      { name: 'zizmor.yml', type: 'blob' },
    ]);
    const byId = await query(`{ repository(owner: "jupyter", name: "nbformat") { object(oid: "${repository.file.oid}") { ... on Blob { text } } } }`);
    expect((byId.body.data!.repository as { object: { text: string } }).object.text).toBe(repository.file.text);
  });
});
