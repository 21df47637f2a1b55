import { createHash } from 'node:crypto';
import { ChainwatchError } from '../../core/errors.js';
import type { GithubWrites, PullRequestRef } from './github-writes.js';
import type { FixPlan } from './types.js';

export type PullRequestOutcome =
  | { kind: 'nothing-to-change' }
  | { kind: 'created' | 'updated'; pullRequest: PullRequestRef; branch: string };

/** The branch a fix lives on: one per check, regenerated on every run. */
export function fixBranch(plan: Pick<FixPlan, 'check'>): string {
  return `chainwatch/fix-${plan.check}`;
}

/** Hidden in PR bodies so that a reader (and chainwatch) can tell its own pull requests. */
export function pullRequestMarker(plan: Pick<FixPlan, 'repo' | 'check'>): string {
  return `<!-- chainwatch:fix repo=${plan.repo} check=${plan.check} -->`;
}

/** Git's blob id: sha1 of `blob <bytes>\0<content>`. */
export function gitBlobSha(text: string): string {
  const content = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * Opens (or refreshes) the pull request for a fix: the fix branch is moved to
 * the default branch's head, each changed file is committed on it, and the
 * open pull request from that branch is updated, or one is created. A file
 * that changed on the default branch since the facts were collected stops the
 * run (the patch was computed from the old text): collect again.
 */
export async function openFixPullRequest(writes: GithubWrites, plan: FixPlan): Promise<PullRequestOutcome> {
  if (plan.changes.length === 0) return { kind: 'nothing-to-change' };
  const base = await writes.defaultBranch(plan.repo);
  const baseSha = await writes.branchHead(plan.repo, base);
  if (baseSha === null) throw new ChainwatchError('invalid-argument', `${plan.repo}: the default branch ${base} has no commit`);
  const branch = fixBranch(plan);

  for (const change of plan.changes) {
    const current = await writes.fileSha(plan.repo, change.path, base);
    const expected = change.before === null ? null : gitBlobSha(change.before);
    if (current !== expected) {
      throw new ChainwatchError('invalid-argument', `${plan.repo}: ${change.path} changed on ${base} since it was read; run the fix again`, { location: { path: change.path } });
    }
  }

  const existing = await writes.branchHead(plan.repo, branch);
  if (existing === null) await writes.createBranch(plan.repo, branch, baseSha);
  else await writes.resetBranch(plan.repo, branch, baseSha);

  for (const change of plan.changes) {
    const sha = change.before === null ? null : gitBlobSha(change.before);
    await writes.putFile(plan.repo, { path: change.path, branch, message: plan.title, text: change.after, sha });
  }

  const body = pullRequestBody(plan);
  const open = await writes.openPullRequestFor(plan.repo, branch);
  if (open) return { kind: 'updated', branch, pullRequest: await writes.updatePullRequest(plan.repo, open.number, { title: plan.title, body }) };
  return { kind: 'created', branch, pullRequest: await writes.createPullRequest(plan.repo, { title: plan.title, body, head: branch, base }) };
}

export function pullRequestBody(plan: FixPlan): string {
  const notes = plan.notes.map((note) => `- ${note.file ? `\`${note.file}${note.line === undefined ? '' : `:${note.line}`}\`: ` : ''}${note.message}`);
  return [
    plan.description,
    ...(notes.length > 0 ? ['', '### Not done here, or worth a look', '', ...notes] : []),
    '',
    `Opened by \`chainwatch fix ${plan.check} --apply\`; running it again refreshes this pull request.`,
    '',
    pullRequestMarker(plan),
  ].join('\n');
}
