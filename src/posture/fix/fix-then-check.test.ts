/**
 * Each fix, applied to the 12 shared repositories, makes its check stop
 * failing (as src/posture/checks evaluates it), except where the plan says
 * what it left (notes of kind skipped/unresolved).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { evaluateRepoCheck } from '../checks/index.js';
import { collectLocalRepo } from '../collect/local.js';
import type { RepoFacts } from '../types.js';
import { planDependabotConfig } from './dependabot.js';
import { SHARED_PROJECTS, sharedRepoNames } from './fix-testing.fixture.js';
import { planPinnedActions, type ActionRefResolver } from './pin-actions.js';
import { planTokenPermissions } from './token-permissions.js';
import type { FixPlan } from './types.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

const clock = fixedClock('2026-08-25T00:00:00Z');

/** Every tag resolves (to a made-up SHA derived from the ref). */
const everyTag: ActionRefResolver = { resolve: async (owner, repo, ref) => ({ resolved: true, sha: Buffer.from(`${owner}/${repo}@${ref}`).toString('hex').padEnd(40, '0').slice(0, 40) }) };

function applied(facts: RepoFacts, plan: FixPlan): RepoFacts {
  const changed = new Map(plan.changes.map((change) => [change.path, change.after]));
  const files = facts.files.map((file) => (changed.has(file.path) ? { path: file.path, text: changed.get(file.path)! } : file));
  for (const change of plan.changes) if (change.before === null) files.push({ path: change.path, text: change.after });
  const paths = facts.paths.known ? { known: true as const, value: [...new Set([...facts.paths.value, ...changed.keys()])].sort() } : facts.paths;
  return { ...facts, files, paths };
}

describeWithSharedData('each fix on the shared repositories', () => {
  describe.each(sharedRepoNames())('%s', (repo) => {
    it.each([
      ['dependency-update-tool', (facts: RepoFacts) => Promise.resolve(planDependabotConfig(facts.repo, facts.paths.known ? facts.paths.value : [], facts.files))],
      ['pinned-actions', (facts: RepoFacts) => planPinnedActions(facts.repo, facts.files, everyTag)],
      ['token-permissions', (facts: RepoFacts) => Promise.resolve(planTokenPermissions(facts.repo, facts.files))],
    ] as const)('%s passes after the fix (or the plan says why not)', async (check, plan) => {
      const facts = await collectLocalRepo(join(SHARED_PROJECTS, repo));
      const fix = await plan(facts);
      const after = evaluateRepoCheck(check, applied(facts, fix), { clock });
      const left = fix.notes.filter((note) => note.kind !== 'review');
      if (left.length === 0) expect([after.outcome, after.findings]).toEqual([expect.stringMatching(/^(pass|not-applicable)$/), []]);
      else expect(after.outcome).not.toBe('pass');
    });
  });
});
