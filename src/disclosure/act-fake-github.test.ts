/**
 * enforce --apply and the github-issue notifier through the real GitHub
 * client (disclosure/collect/github.ts) against the fake GitHub server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { advisoryFixtureOrgs, DESK_BOT, FIXTURE_NOW } from '../../test/fake-github/fixtures.js';
import { startFakeGithub, type FakeGithub } from '../../test/fake-github/server.js';
import { createAdvisoryGithub } from './collect/github.js';
import { memorySentStore, policy, status } from './desk-testing.fixture.js';
import type { DeskGithub } from './desk-github.js';
import { applyPlan, planEnforcement } from './enforce.js';
import { createNotifier } from './notify/notifier.js';
import { remind } from './remind.js';

const TOKEN = 'ghp_DeskActions0Token1Value2Abcdefghijklm';
const OUTSIDER = 'ghp_Outsider0Token1Value2Abcdefghijklmnop';

describe('enforce and the tracking-issue notifier against the fake GitHub', () => {
  let fake: FakeGithub;
  const client = () => createAdvisoryGithub({ token: TOKEN, baseUrl: fake.url, clock: fixedClock(FIXTURE_NOW), sleep: async () => {}, retryBaseMs: 1 });

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: advisoryFixtureOrgs(), tokens: { [TOKEN]: DESK_BOT, [OUTSIDER]: 'someone-else' }, users: ['new-helper'] });
  });
  afterAll(() => fake.close());

  it('adds the council to open advisories, merging with who was added since the plan, and leaves the published one alone', async () => {
    const github = client();
    const desk: DeskGithub = github;
    const { advisories } = await github.collect(['desk-lab']);
    const council = policy({ collaborators: { users: ['desk-lab-triager'], teams: ['desk-lab/core', 'partner-org/maintainers'] } });
    const plan = planEnforcement(advisories, council);
    const byState = new Map(plan.items.map((item) => [`${advisories.find((one) => one.id === item.advisoryId)?.repo} ${item.state}`, item]));
    expect(byState.get('server published')?.action).toBe('skipped');
    expect(byState.get('server draft')?.notes).toEqual([expect.stringMatching(/partner-org\/maintainers .* teams don't work across orgs: add its members as users/)]);

    // Someone adds a collaborator by hand between the dry run and --apply.
    const draft = byState.get('server draft')!;
    await github.updateAdvisory('desk-lab', 'server', draft.advisoryId, { collaborating_users: ['desk-lab-dev', 'new-helper'], collaborating_teams: ['security'] });
    const patchesBefore = fake.advisoryPatches.length;

    const result = await applyPlan(plan, desk);
    const outcomes = new Map(result.items.map((item) => [item.advisoryId, item]));
    expect(outcomes.get(draft.advisoryId)).toMatchObject({ outcome: 'sent', added: { users: ['desk-lab-triager'], teams: ['core'] } });
    const sent = fake.advisoryPatches.slice(patchesBefore);
    expect(sent.find((patch) => patch.ghsaId === draft.advisoryId)?.body).toEqual({
      collaborating_users: ['desk-lab-dev', 'new-helper', 'desk-lab-triager'],
      collaborating_teams: ['security', 'core'],
    });
    expect(result.items.filter((item) => item.outcome === 'sent')).toHaveLength(3);
    expect(sent.map((patch) => patch.ghsaId)).not.toContain(byState.get('server published')?.advisoryId);

    // A second run finds everyone there and sends nothing.
    const again = await applyPlan(planEnforcement((await github.collect(['desk-lab'])).advisories, council), desk);
    expect(again.items.map((item) => item.outcome).sort()).toEqual(['skipped', 'unchanged', 'unchanged', 'unchanged']);
    expect(fake.advisoryPatches.length).toBe(patchesBefore + 3);
  });

  it('a token that may not edit gets a failure per advisory saying what it needs', async () => {
    const outsider = createAdvisoryGithub({ token: OUTSIDER, baseUrl: fake.url, clock: fixedClock(FIXTURE_NOW), retryBaseMs: 1 });
    const { advisories } = await client().collect(['desk-lab']);
    const result = await applyPlan(planEnforcement(advisories, policy({ collaborators: { users: ['new-helper'], teams: [] } })), outsider);
    const open = result.items.filter((item) => item.outcome !== 'skipped');
    expect(open).toHaveLength(3);
    for (const item of open) {
      expect(item.outcome).toBe('failed');
      expect([403, 404]).toContain(item.status);
      expect(item.message).toMatch(/not found when read again: it is gone, or the token cannot see it|security advisories write/);
    }
    expect(JSON.stringify(result)).not.toContain(OUTSIDER);
  });

  it('remind posts one digest comment on the tracking issue, once a day', async () => {
    const notifier = createNotifier({ type: 'github-issue', repo: 'desk-lab/security-tracking', issue: 12 }, { github: client() });
    const statuses = [status({ id: 'GHSA-desk-0000-0001', owner: 'desk-lab', repo: 'server' }, { disclose: { status: 'overdue', daysLeft: -2, due: '2026-08-23' } })];
    const store = memorySentStore();
    const before = fake.issueComments.length;
    const first = await remind({ statuses, policy: policy(), now: new Date(FIXTURE_NOW), store, notifiers: [notifier] });
    expect(first.deliveries[0]).toMatchObject({ status: 'sent', detail: expect.stringMatching(/issuecomment-/) });
    const comments = fake.issueComments.slice(before);
    expect(comments).toEqual([expect.objectContaining({ repo: 'security-tracking', issue: 12, login: DESK_BOT })]);
    expect(comments[0]?.body).toContain('disclosure overdue by 2 days (due 2026-08-23)');

    await remind({ statuses, policy: policy(), now: new Date(FIXTURE_NOW), store, notifiers: [notifier] });
    expect(fake.issueComments.length).toBe(before + 1);
  });
});
