import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { HostError } from '../../core/errors.js';
import { collectingSink } from '../../core/events.js';
import { known } from '../../core/known.js';
import { advisoryFixtureOrgs, DESK_BOT, FIXTURE_NOW } from '../../../test/fake-github/fixtures.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { startLocalServer } from '../../../test/local-server.js';
import { createAdvisoryGithub, nextLink, type AdvisoryCollection } from './github.js';

const TOKEN = 'ghp_DeskCollector0Token1Value2Abcdefghijk';
const OUTSIDER = 'ghp_Outsider0Token1Value2Abcdefghijklmnop';
const clock = fixedClock(FIXTURE_NOW);

describe('createAdvisoryGithub against the fake GitHub', () => {
  let fake: FakeGithub;
  const desk = (extra: Parameters<typeof createAdvisoryGithub>[0] = {}) =>
    createAdvisoryGithub({ token: TOKEN, baseUrl: fake.url, clock, sleep: async () => {}, retryBaseMs: 1, ...extra });

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: advisoryFixtureOrgs(), tokens: { [TOKEN]: DESK_BOT, [OUTSIDER]: 'someone-else' }, users: ['new-helper'] });
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.resetFaults();
    fake.resetRateLimits();
  });

  it('reads an org it manages through the org endpoint, with visibility, and reuses posture\'s reporting facts without fetching them', async () => {
    const collector = desk();
    const result = await collector.collect(['desk-lab'], {
      postureFacts: [
        { repo: 'desk-lab/server', privateVulnerabilityReporting: known(true) },
        { repo: 'Desk-Lab/Internal-Tool', privateVulnerabilityReporting: known(false) },
      ],
    });
    expect(result.sources).toEqual([{ name: 'github:org/desk-lab', status: 'read', advisories: 4, note: null }]);
    expect(result.advisories.map((advisory) => `${advisory.repo} ${advisory.state} ${advisory.repositoryPublic}`).sort()).toEqual([
      'internal-tool draft false',
      'server draft true',
      'server published true',
      'server triage true',
    ]);
    expect(new Set(result.advisories.map((advisory) => advisory.origin))).toEqual(new Set(['github-org']));
    expect(result.advisories.every((advisory) => advisory.source === 'GET /orgs/desk-lab/security-advisories')).toBe(true);
    const draft = result.advisories.find((advisory) => advisory.summary === 'Stored XSS in notebook names')!;
    expect(draft).toMatchObject({ owner: 'desk-lab', submissionAccepted: true, collaboratingUsers: ['desk-lab-dev'], collaboratingTeams: ['security'], privateFork: expect.stringMatching(/^desk-lab\/server-ghsa-/) });
    expect(result.reporting.map((entry) => [entry.repo, entry.from, entry.privateVulnerabilityReporting.known ? entry.privateVulnerabilityReporting.value : 'unknown', entry.public])).toEqual([
      ['desk-lab/docs', 'none', 'unknown', true],
      ['desk-lab/internal-tool', 'posture', false, false],
      ['desk-lab/security-tracking', 'none', 'unknown', false],
      ['desk-lab/server', 'posture', true, true],
    ]);
    const routes = collector.stats().byRoute;
    expect(routes['GET /orgs/{org}/security-advisories']).toBe(1);
    expect(Object.keys(routes).filter((route) => route.includes('private-vulnerability-reporting'))).toEqual([]);
    expect(Object.keys(routes).filter((route) => route.startsWith('GET /repos/'))).toEqual([]);
  });

  it('fetches reporting facts only when asked, for the repositories posture did not cover', async () => {
    const collector = desk();
    const result = await collector.collect(['desk-lab'], { postureFacts: new Map([['desk-lab/server', { privateVulnerabilityReporting: known(true) }]]), fetchReporting: true });
    expect(result.reporting.find((entry) => entry.repo === 'desk-lab/server')?.from).toBe('posture');
    expect(result.reporting.find((entry) => entry.repo === 'desk-lab/docs')).toMatchObject({ from: 'github', privateVulnerabilityReporting: { known: true, value: false } });
    expect(collector.stats().byRoute['GET /repos/{owner}/{repo}/private-vulnerability-reporting']).toBe(3);
  });

  it('falls back to each repository where the token is no owner or security manager, and says so per org and per refused repository', async () => {
    const result = await desk().collect(['desk-lab', 'partner-org']);
    const bySource = new Map(result.sources.map((source) => [source.name, source]));
    expect(bySource.get('github:org/desk-lab')?.status).toBe('read');
    const partner = bySource.get('github:org/partner-org')!;
    expect(partner.status).toBe('repo-endpoints');
    expect(partner.advisories).toBe(4);
    expect(partner.note).toMatch(/neither an owner nor a security manager of partner-org \(GitHub answered 404 \(Not Found\) to GET \/orgs\/partner-org\/security-advisories\)/);
    expect(partner.note).toMatch(/its 4 repositories were read one by one/);
    expect(partner.note).toMatch(/1 of them could not be read/);
    expect(bySource.get('github:repo/partner-org/locked')).toEqual({
      name: 'github:repo/partner-org/locked',
      status: 'forbidden',
      advisories: 0,
      note: expect.stringMatching(/^GitHub answered 403 \(Resource not accessible by personal access token\) to GET \/repos\/partner-org\/locked\/security-advisories: .*Repository security advisories: read/),
    });
    const partnerAdvisories = result.advisories.filter((advisory) => advisory.owner === 'partner-org');
    expect(partnerAdvisories.map((advisory) => `${advisory.repo}: ${advisory.summary}`).sort()).toEqual([
      'gadget: Open redirect after login',
      'gadget: SSRF in the preview fetcher',
      'widget: Denial of service with a crafted header',
      'widget: Not a vulnerability: documented behaviour',
    ]);
    expect(new Set(partnerAdvisories.map((advisory) => advisory.origin))).toEqual(new Set(['github-repo']));
    expect(result.reporting.filter((entry) => entry.repo.startsWith('partner-org/')).map((entry) => `${entry.repo} archived=${entry.archived}`)).toEqual([
      'partner-org/gadget archived=false',
      'partner-org/locked archived=false',
      'partner-org/old archived=true',
      'partner-org/widget archived=false',
    ]);
  });

  it('an org GitHub does not know is a not-found source; the others are read', async () => {
    const result = await desk().collect(['no-such-org', 'desk-lab']);
    expect(result.sources[0]).toMatchObject({ name: 'github:org/no-such-org', status: 'not-found', advisories: 0 });
    expect(result.sources[0]!.note).toMatch(/no GitHub organisation named no-such-org/);
    expect(result.sources[1]).toMatchObject({ name: 'github:org/desk-lab', status: 'read', advisories: 4 });
  });

  it('follows cursor pages past 100 advisories', async () => {
    const collector = desk();
    const result = await collector.collect(['busy-org']);
    expect(result.advisories).toHaveLength(130);
    expect(new Set(result.advisories.map((advisory) => advisory.id)).size).toBe(130);
    expect(collector.stats().byRoute['GET /orgs/{org}/security-advisories']).toBe(2);
    expect(result.sources).toEqual([{ name: 'github:org/busy-org', status: 'read', advisories: 130, note: null }]);
  });

  it('stops a Link header that points back to a page already read, keeps what it read and says so', async () => {
    fake.injectFault({ kind: 'self-link', path: /^\/orgs\/busy-org\/security-advisories/, times: Infinity });
    const events = collectingSink();
    const collector = desk({ events });
    const result = await collector.collect(['busy-org']);
    expect(result.advisories).toHaveLength(100);
    expect(result.sources[0]).toMatchObject({ status: 'read', advisories: 100 });
    expect(result.sources[0]!.note).toMatch(/pointed back to a page already read after 1 page\(s\): stopped there, so the list may be incomplete/);
    expect(collector.stats().byRoute['GET /orgs/{org}/security-advisories']).toBe(1);
    expect(events.events.some((event) => event.type === 'log' && event.data?.event === 'github-pagination-loop')).toBe(true);
  });

  it('an org whose rate limit is spent, with no wait allowed, is unreachable and says which limit', async () => {
    fake.exhaustRateLimit(TOKEN, 3600);
    const result = await desk({ maxRateLimitWaitSeconds: 0 }).collect(['desk-lab']);
    expect(result.sources[0]).toMatchObject({ name: 'github:org/desk-lab', status: 'unreachable', advisories: 0 });
    expect(result.sources[0]!.note).toMatch(/rate limit/);
  });

  it('fetches and updates one advisory; a refusal says GitHub\'s reason and what the token needs', async () => {
    const collector = desk();
    const { advisories } = await collector.collect(['desk-lab']);
    const draft = advisories.find((advisory) => advisory.summary === 'Stored XSS in notebook names')!;
    const fetched = await collector.fetchAdvisory('desk-lab', 'server', draft.id);
    expect(fetched).toMatchObject({ id: draft.id, collaboratingUsers: ['desk-lab-dev'], origin: 'github-repo' });
    const updated = await collector.updateAdvisory('desk-lab', 'server', draft.id, { collaborating_users: ['desk-lab-dev', 'new-helper'], collaborating_teams: ['security', 'core'] });
    expect(updated.collaboratingUsers).toEqual(['desk-lab-dev', 'new-helper']);
    expect(updated.collaboratingTeams).toEqual(['security', 'core']);
    expect(fake.advisoryPatches.at(-1)).toMatchObject({ ghsaId: draft.id, body: { collaborating_users: ['desk-lab-dev', 'new-helper'], collaborating_teams: ['security', 'core'] } });

    const unknownUser = await collector.updateAdvisory('desk-lab', 'server', draft.id, { collaborating_users: ['ghost-user'] }).catch((error: unknown) => error);
    expect(unknownUser).toBeInstanceOf(HostError);
    expect((unknownUser as HostError).status).toBe(422);
    expect((unknownUser as HostError).message).toMatch(/HTTP 422: Validation Failed: Could not find user: ghost-user/);

    const outsider = createAdvisoryGithub({ token: OUTSIDER, baseUrl: fake.url, clock, retryBaseMs: 1 });
    const hidden = await outsider.fetchAdvisory('desk-lab', 'server', draft.id).catch((error: unknown) => error);
    expect((hidden as HostError).status).toBe(404);
    expect((hidden as HostError).message).toMatch(/Repository security advisories: read/);
    const published = advisories.find((advisory) => advisory.state === 'published' && advisory.repo === 'server')!;
    const refused = await outsider.updateAdvisory('desk-lab', 'server', published.id, { collaborating_users: ['desk-lab-dev'] }).catch((error: unknown) => error);
    expect((refused as HostError).status).toBe(403);
    expect((refused as HostError).message).toMatch(/Repository security advisories: write/);

    await expect(collector.updateAdvisory('desk-lab', 'server', draft.id, { repository: 'x' } as never)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(collector.fetchAdvisory('desk-lab', 'server', 'GHSA-nope')).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('posts an issue comment once, and never retries a failed post', async () => {
    const collector = desk();
    const before = fake.issueComments.length;
    const posted = await collector.createIssueComment('desk-lab', 'security-tracking', 12, 'Reminders for 2026-08-25');
    expect(posted.id).toBeGreaterThan(0);
    expect(posted.htmlUrl).toMatch(/issuecomment-/);
    expect(fake.issueComments.slice(before)).toEqual([expect.objectContaining({ repo: 'security-tracking', issue: 12, body: 'Reminders for 2026-08-25', login: DESK_BOT })]);

    fake.injectFault({ kind: 'server-error', method: 'POST', path: /\/issues\/12\/comments$/, times: 1 });
    const failed = await collector.createIssueComment('desk-lab', 'security-tracking', 12, 'second').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(HostError);
    // One request for the post that worked, one for the one that failed: no retry.
    expect(collector.stats().byRoute['POST /repos/{owner}/{repo}/issues/12/comments']).toBe(2);
    expect(fake.issueComments.length).toBe(before + 1);

    const missing = await collector.createIssueComment('desk-lab', 'security-tracking', 99, 'x').catch((error: unknown) => error);
    expect((missing as HostError).status).toBe(404);
    expect((missing as HostError).message).toMatch(/Issues: write/);
  });
});

describe('the token never appears in a source note or an error', () => {
  it('even when GitHub echoes it back in every answer', async () => {
    const secret = 'ghp_Echoed0Back1Secret2Value3Abcdefghijk';
    const server = await startLocalServer((request, response) => {
      const authorization = request.headers.authorization ?? '';
      if (request.url === '/graphql') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ data: { organization: null }, errors: [{ type: 'FORBIDDEN', message: `${authorization} may not list repositories` }] }));
        return;
      }
      response.writeHead(request.method === 'POST' || request.method === 'PATCH' ? 422 : 403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `refused for ${authorization}`, errors: [{ message: `token ${secret} is not welcome` }] }));
    });
    try {
      const events = collectingSink();
      const collector = createAdvisoryGithub({ token: secret, baseUrl: server.origin, clock, events, sleep: async () => {}, retryBaseMs: 1 });
      const result: AdvisoryCollection = await collector.collect(['echo-org'], { fetchReporting: true });
      expect(result.sources[0]!.status).toBe('unreachable');
      const failures = await Promise.all([
        collector.fetchAdvisory('echo-org', 'repo', 'GHSA-2x5q-hc8p-v4rf').catch((error: unknown) => error),
        collector.updateAdvisory('echo-org', 'repo', 'GHSA-2x5q-hc8p-v4rf', { collaborating_users: ['a'] }).catch((error: unknown) => error),
        collector.createIssueComment('echo-org', 'repo', 1, 'x').catch((error: unknown) => error),
      ]);
      const shown = [JSON.stringify(result), JSON.stringify(events.events), ...failures.map((error) => `${(error as Error).message} ${JSON.stringify(error)}`)];
      for (const text of shown) expect(text).not.toContain(secret);
      // The messages did carry it, replaced.
      expect(shown.join('\n')).toContain('***');
      expect(failures.every((error) => error instanceof HostError)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('nextLink', () => {
  it.each([
    ['<https://api.github.com/orgs/x/security-advisories?per_page=100&after=Y3Vy>; rel="next", <https://api.github.com/orgs/x/security-advisories?before=Zm9v>; rel="prev"', 'https://api.github.com', '/orgs/x/security-advisories?per_page=100&after=Y3Vy'],
    ['<https://api.github.com/orgs/x/security-advisories?before=Zm9v>; rel="prev"', 'https://api.github.com', null],
    ['<https://ghe.example.test/api/v3/orgs/x/security-advisories?after=a>; rel="next"', 'https://ghe.example.test/api/v3', '/orgs/x/security-advisories?after=a'],
    ['<not a url>; rel="next"', 'https://api.github.com', null],
  ])('%s', (link, base, expected) => {
    expect(nextLink(link, base)).toBe(expected);
  });
});
