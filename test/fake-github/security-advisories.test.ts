import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advisoryFixtureOrgs, DESK_BOT } from './fixtures.js';
import { createOpenApiValidator, type OpenApiValidator } from './openapi.js';
import { startFakeGithub, type FakeGithub } from './server.js';

const MANAGER = 'ghp_DeskBot0Manager1Token2Value3Abcdefghij';
const OUTSIDER = 'ghp_Outsider0Token1Value2Abcdefghijklmnop';

describe('the fake GitHub serves repository security advisories and issue comments as GitHub describes them', () => {
  let fake: FakeGithub;
  let validator: OpenApiValidator;
  const call = (token: string | null, path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${fake.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(token ? { authorization: `token ${token}` } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const json = async (response: Response) => ({ status: response.status, link: response.headers.get('link'), body: (await response.json()) as unknown });

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: advisoryFixtureOrgs(), tokens: { [MANAGER]: DESK_BOT, [OUTSIDER]: 'someone-else' }, record: true, users: ['new-helper'] });
    validator = createOpenApiValidator();
  });
  afterAll(() => fake.close());

  it('lists an org to its security manager, in cursor pages with next and prev links', async () => {
    const first = await json(await call(MANAGER, '/orgs/busy-org/security-advisories?per_page=100'));
    expect(first.status).toBe(200);
    expect((first.body as unknown[]).length).toBe(100);
    const next = /<([^>]+)>; rel="next"/.exec(first.link ?? '')?.[1];
    expect(next).toMatch(/[?&]after=/);
    expect(first.link).not.toContain('rel="prev"');
    const second = await json(await call(MANAGER, next!.slice(fake.url.length)));
    expect((second.body as unknown[]).length).toBe(30);
    expect(second.link).not.toContain('rel="next"');
    const prev = /<([^>]+)>; rel="prev"/.exec(second.link ?? '')?.[1];
    expect(prev).toMatch(/[?&]before=/);
    const back = await json(await call(MANAGER, prev!.slice(fake.url.length)));
    expect((back.body as { ghsa_id: string }[]).map((advisory) => advisory.ghsa_id)).toEqual((first.body as { ghsa_id: string }[]).map((advisory) => advisory.ghsa_id));
    // Newest first by default; `direction=asc` reverses.
    const created = (first.body as { created_at: string }[]).map((advisory) => advisory.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    const ascending = await json(await call(MANAGER, '/orgs/busy-org/security-advisories?per_page=3&direction=asc&state=published'));
    expect((ascending.body as { state: string }[]).every((advisory) => advisory.state === 'published')).toBe(true);
    expect((await call(MANAGER, '/orgs/busy-org/security-advisories?after=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('refuses the org list to anyone else (404), and lists a repository by what the login may see', async () => {
    expect((await call(OUTSIDER, '/orgs/desk-lab/security-advisories')).status).toBe(404);
    expect((await call(MANAGER, '/orgs/partner-org/security-advisories')).status).toBe(404);
    const managed = await json(await call(MANAGER, '/repos/partner-org/widget/security-advisories'));
    expect((managed.body as { state: string }[]).map((advisory) => advisory.state).sort()).toEqual(['closed', 'triage']);
    const gadget = await json(await call(MANAGER, '/repos/partner-org/gadget/security-advisories'));
    expect((gadget.body as { summary: string }[]).map((advisory) => advisory.summary).sort()).toEqual(['Open redirect after login', 'SSRF in the preview fetcher']);
    expect((await call(MANAGER, '/repos/partner-org/locked/security-advisories')).status).toBe(403);
    const outsider = await json(await call(OUTSIDER, '/repos/desk-lab/server/security-advisories'));
    expect((outsider.body as { state: string }[]).map((advisory) => advisory.state)).toEqual(['published']);
  });

  it('gets and patches one advisory: unknown users and teams are refused and change nothing', async () => {
    const list = (await json(await call(MANAGER, '/repos/desk-lab/server/security-advisories?state=draft'))).body as { ghsa_id: string }[];
    const ghsa = list[0]!.ghsa_id;
    const path = `/repos/desk-lab/server/security-advisories/${ghsa}`;
    expect((await call(MANAGER, path)).status).toBe(200);
    expect((await call(OUTSIDER, path)).status).toBe(404);
    expect((await call(MANAGER, path, { method: 'PATCH', body: { collaborating_users: ['desk-lab-dev', 'nobody-here'] } })).status).toBe(422);
    expect((await call(MANAGER, path, { method: 'PATCH', body: { collaborating_teams: ['not-a-team'] } })).status).toBe(422);
    expect((await call(MANAGER, path, { method: 'PATCH', body: { repository: 'x' } })).status).toBe(422);
    expect(fake.advisoryPatches).toEqual([]);
    const patched = await json(await call(MANAGER, path, { method: 'PATCH', body: { collaborating_users: ['desk-lab-dev', 'new-helper'], collaborating_teams: ['security', 'core'] } }));
    expect(patched.status).toBe(200);
    const body = patched.body as { collaborating_users: { login: string }[]; collaborating_teams: { slug: string }[] };
    expect(body.collaborating_users.map((user) => user.login)).toEqual(['desk-lab-dev', 'new-helper']);
    expect(body.collaborating_teams.map((team) => team.slug)).toEqual(['security', 'core']);
    expect(fake.advisoryPatches).toHaveLength(1);
    expect(fake.advisoryPatches[0]).toMatchObject({ owner: 'desk-lab', repo: 'server', ghsaId: ghsa, login: DESK_BOT });
    // A collaborator who is no manager may see a published advisory, not edit it.
    const published = ((await json(await call(OUTSIDER, '/repos/desk-lab/server/security-advisories'))).body as { ghsa_id: string }[])[0]!.ghsa_id;
    expect((await call(OUTSIDER, `/repos/desk-lab/server/security-advisories/${published}`, { method: 'PATCH', body: { severity: 'low' } })).status).toBe(403);
  });

  it('records issue comments and refuses unknown issues, archived repositories and empty bodies', async () => {
    const created = await call(MANAGER, '/repos/desk-lab/security-tracking/issues/12/comments', { method: 'POST', body: { body: 'Reminder digest' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/\/issues\/comments\/\d+$/);
    expect(fake.issueComments).toEqual([expect.objectContaining({ owner: 'desk-lab', repo: 'security-tracking', issue: 12, body: 'Reminder digest', login: DESK_BOT })]);
    expect((await call(MANAGER, '/repos/desk-lab/security-tracking/issues/13/comments', { method: 'POST', body: { body: 'x' } })).status).toBe(404);
    expect((await call(OUTSIDER, '/repos/desk-lab/security-tracking/issues/12/comments', { method: 'POST', body: { body: 'x' } })).status).toBe(404);
    expect((await call(MANAGER, '/repos/desk-lab/server/issues/3/comments', { method: 'POST', body: {} })).status).toBe(422);
    expect(fake.issueComments).toHaveLength(1);
  });

  it('every answer served matches the OpenAPI description', () => {
    const advisoryAnswers = fake.served.filter((response) => response.template.includes('security-advisories') || response.template.includes('/comments'));
    const kinds = new Set(advisoryAnswers.map((response) => `${response.method} ${response.template} ${response.status}`));
    for (const kind of [
      'GET /orgs/{org}/security-advisories 200',
      'GET /orgs/{org}/security-advisories 400',
      'GET /orgs/{org}/security-advisories 404',
      'GET /repos/{owner}/{repo}/security-advisories 200',
      'GET /repos/{owner}/{repo}/security-advisories 403',
      'GET /repos/{owner}/{repo}/security-advisories/{ghsa_id} 200',
      'GET /repos/{owner}/{repo}/security-advisories/{ghsa_id} 404',
      'PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id} 200',
      'PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id} 403',
      'PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id} 422',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments 201',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments 404',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments 422',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(advisoryAnswers.flatMap((response) => validator.check(response))).toEqual([]);
  });

  it('the validator would catch an advisory that drifts from the description', () => {
    const good = fake.served.find((response) => response.template === '/repos/{owner}/{repo}/security-advisories/{ghsa_id}' && response.status === 200)!;
    const withRepository = { ...good, body: { ...(good.body as object), repository: { full_name: 'desk-lab/server' } } };
    expect(validator.check(withRepository).length).toBeGreaterThan(0);
    const { collaborating_teams: _teams, ...withoutTeams } = good.body as Record<string, unknown>;
    expect(validator.check({ ...good, body: withoutTeams }).length).toBeGreaterThan(0);
  });
});
