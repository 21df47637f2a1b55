import { describe, expect, it } from 'vitest';
import { advisory, memoryGithub, policy } from './desk-testing.fixture.js';
import { applyPlan, CROSS_ORG_TEAM_NOTE, planEnforcement } from './enforce.js';
import type { DeskAdvisory, DeskPolicy } from './types.js';

const council: Partial<DeskPolicy> = {
  collaborators: { users: ['alice', 'Bob'], teams: ['jupyter/security', 'otherorg/council', 'triagers'] },
  orgs: { Jupyter: { collaborators: { users: ['carol'], teams: [] } }, ipython: { collaborators: { users: ['dave'], teams: ['ipython/core'] } } },
};

describe('planEnforcement', () => {
  const cases: {
    name: string;
    advisory: Partial<DeskAdvisory>;
    action: 'patch' | 'unchanged' | 'skipped';
    users?: string[];
    teams?: string[];
    reasons?: RegExp[];
    notes?: RegExp[];
  }[] = [
    {
      name: 'adds the global and the org users and teams to an empty draft',
      advisory: {},
      action: 'patch',
      users: ['alice', 'Bob', 'carol'],
      teams: ['security', 'triagers'],
      reasons: [/adds users alice, Bob \(required by disclosure\.collaborators\)/, /adds user carol \(required by disclosure\.orgs\.Jupyter\.collaborators\)/, /adds teams security, triagers/],
      notes: [new RegExp(`team otherorg/council \\(disclosure\\.collaborators\\) left out on jupyter/notebook: ${CROSS_ORG_TEAM_NOTE}`)],
    },
    {
      name: 'keeps everyone already there, first, and compares logins without case',
      advisory: { collaboratingUsers: ['zed', 'ALICE'], collaboratingTeams: ['maintainers'] },
      action: 'patch',
      users: ['zed', 'ALICE', 'Bob', 'carol'],
      teams: ['maintainers', 'security', 'triagers'],
    },
    {
      name: 'nothing missing',
      advisory: { collaboratingUsers: ['alice', 'bob', 'carol'], collaboratingTeams: ['Security', 'triagers'] },
      action: 'unchanged',
    },
    {
      name: 'a report in triage is enforced',
      advisory: { state: 'triage', collaboratingUsers: ['alice', 'bob', 'carol'], collaboratingTeams: ['security'] },
      action: 'patch',
      users: ['alice', 'bob', 'carol'],
      teams: ['security', 'triagers'],
    },
    { name: 'published is left alone', advisory: { state: 'published' }, action: 'skipped', reasons: [/^published: enforce only adds collaborators/] },
    { name: 'closed is left alone', advisory: { state: 'closed' }, action: 'skipped', reasons: [/^closed:/] },
    { name: 'withdrawn is left alone', advisory: { state: 'withdrawn' }, action: 'skipped', reasons: [/^withdrawn:/] },
    { name: 'a manual record has no GitHub advisory', advisory: { ghsaId: null, origin: 'manual' }, action: 'skipped', reasons: [/not a GitHub advisory/] },
    {
      name: "another org's advisory gets its own org's team and users, not jupyter's team",
      advisory: { owner: 'ipython', repo: 'ipython' },
      action: 'patch',
      users: ['alice', 'Bob', 'dave'],
      teams: ['triagers', 'core'],
      notes: [/team jupyter\/security .* left out on ipython\/ipython/, /team otherorg\/council .* left out on ipython\/ipython/],
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const [item] = planEnforcement([advisory(testCase.advisory)], policy(council)).items;
      expect(item?.action).toBe(testCase.action);
      if (testCase.action === 'patch') {
        expect(item?.body).toEqual({ collaborating_users: testCase.users, collaborating_teams: testCase.teams });
      } else {
        expect(item?.body).toBeNull();
      }
      for (const reason of testCase.reasons ?? []) expect(item?.reasons.some((one) => reason.test(one)), `${reason} in ${item?.reasons.join(' | ')}`).toBe(true);
      for (const note of testCase.notes ?? []) expect(item?.notes.some((one) => note.test(one)), `${note} in ${item?.notes.join(' | ')}`).toBe(true);
    });
  }

  it('names the missing collaborators and the PATCH target', () => {
    const [item] = planEnforcement([advisory({ collaboratingUsers: ['alice'] })], policy(council)).items;
    expect(item?.missing).toEqual({ users: ['Bob', 'carol'], teams: ['security', 'triagers'] });
    expect(item?.target).toEqual({ owner: 'jupyter', repo: 'notebook', ghsaId: 'GHSA-aaaa-bbbb-cccc' });
  });
});

describe('applyPlan', () => {
  const ids = ['GHSA-0001-0001-0001', 'GHSA-0002-0002-0002', 'GHSA-0003-0003-0003'];
  const required = policy({ collaborators: { users: ['alice', 'bob'], teams: [] } });

  it('re-reads each advisory and merges against its fresh collaborators, never removing anyone', async () => {
    const stale = advisory({ id: ids[0]!, collaboratingUsers: [] });
    const github = memoryGithub([{ ...stale, collaboratingUsers: ['mallory-added-since', 'alice'] }]);
    const plan = planEnforcement([stale], required);
    expect(plan.items[0]?.body?.collaborating_users).toEqual(['alice', 'bob']);

    const result = await applyPlan(plan, github);
    expect(github.reads).toEqual([ids[0]]);
    expect(github.patches).toEqual([{ ghsaId: ids[0], body: { collaborating_users: ['mallory-added-since', 'alice', 'bob'], collaborating_teams: [] } }]);
    expect(result.items[0]).toMatchObject({ outcome: 'sent', added: { users: ['bob'], teams: [] } });
    expect(github.advisories.get(ids[0]!)?.collaboratingUsers).toEqual(['mallory-added-since', 'alice', 'bob']);
  });

  it('sends nothing when someone already added them since the plan', async () => {
    const stale = advisory({ id: ids[0]! });
    const github = memoryGithub([{ ...stale, collaboratingUsers: ['bob', 'alice'] }]);
    const result = await applyPlan(planEnforcement([stale], required), github);
    expect(github.patches).toEqual([]);
    expect(result.items[0]?.outcome).toBe('unchanged');
  });

  it('re-reads plans that were unchanged too, and patches when someone was removed since', async () => {
    const stale = advisory({ id: ids[0]!, collaboratingUsers: ['alice', 'bob'] });
    const github = memoryGithub([{ ...stale, collaboratingUsers: ['alice'] }]);
    const plan = planEnforcement([stale], required);
    expect(plan.items[0]?.action).toBe('unchanged');
    const result = await applyPlan(plan, github);
    expect(result.items[0]?.outcome).toBe('sent');
    expect(github.patches[0]?.body.collaborating_users).toEqual(['alice', 'bob']);
  });

  it('skips an advisory published since the plan', async () => {
    const stale = advisory({ id: ids[0]! });
    const github = memoryGithub([{ ...stale, state: 'published' }]);
    const result = await applyPlan(planEnforcement([stale], required), github);
    expect(github.patches).toEqual([]);
    expect(result.items[0]).toMatchObject({ outcome: 'skipped', message: expect.stringMatching(/^now published/) });
  });

  it('reports each failure and goes on with the others', async () => {
    const advisories = ids.map((id) => advisory({ id }));
    const github = memoryGithub(advisories);
    github.failures.set(ids[0]!, { call: 'update', status: 403 });
    github.advisories.delete(ids[1]!);
    const result = await applyPlan(planEnforcement(advisories, required), github);
    expect(result.items.map((item) => item.outcome)).toEqual(['failed', 'failed', 'sent']);
    expect(result.items[0]).toMatchObject({ status: 403, message: expect.stringMatching(/security advisories write/) });
    expect(result.items[1]).toMatchObject({ status: 404, message: expect.stringMatching(/not found when read again/) });
    expect(github.patches.map((patch) => patch.ghsaId)).toEqual([ids[2]]);
  });

  it('does not touch skipped items', async () => {
    const published = advisory({ id: ids[0]!, state: 'published' });
    const github = memoryGithub([published]);
    const result = await applyPlan(planEnforcement([published], required), github);
    expect(github.reads).toEqual([]);
    expect(result.items[0]?.outcome).toBe('skipped');
  });

  it('says when GitHub accepted the PATCH but does not list someone', async () => {
    const one = advisory({ id: ids[0]! });
    const github = memoryGithub([one]);
    const update = github.updateAdvisory.bind(github);
    github.updateAdvisory = async (owner, repo, ghsaId, body) => ({ ...(await update(owner, repo, ghsaId, body)), collaboratingUsers: ['alice'] });
    const result = await applyPlan(planEnforcement([one], required), github);
    expect(result.items[0]?.message).toMatch(/does not list bob/);
  });
});
