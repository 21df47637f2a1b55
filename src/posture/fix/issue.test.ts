import { describe, expect, it } from 'vitest';
// The issue text is Markdown, rendered in report/ (the fix run takes it from the front end).
import { issueText } from '../../report/posture/issue-text.js';
import type { CheckResult } from '../types.js';
import { issueMarker, syncIssue } from './issue.js';
import { memoryGithub } from './memory-github.fixture.js';

const FAILING: CheckResult = {
  id: 'pinned-actions',
  outcome: 'fail',
  summary: '1 action not pinned',
  findings: [{ file: '.github/workflows/ci.yml', line: 7, message: 'actions/checkout@v4 is not pinned', fix: 'pin it' }],
};
const PASSING: CheckResult = { id: 'pinned-actions', outcome: 'pass', summary: 'every action is pinned', findings: [] };

async function sync(github: ReturnType<typeof memoryGithub>, check: CheckResult) {
  return syncIssue(github, 'o/r', check, issueText('o/r', check));
}

describe('syncIssue', () => {
  it('opens one issue, then updates it, never a duplicate; closes it when the check passes; reopens it when it fails again', async () => {
    const github = memoryGithub({ 'o/r': { files: {} } });
    expect(await sync(github, FAILING)).toMatchObject({ kind: 'opened', issue: { number: 1, state: 'open' } });
    expect(await sync(github, FAILING)).toMatchObject({ kind: 'unchanged', issue: { number: 1 } });
    expect(await sync(github, { ...FAILING, summary: '2 actions not pinned' })).toMatchObject({ kind: 'updated', issue: { number: 1 } });
    expect(await sync(github, PASSING)).toMatchObject({ kind: 'closed', issue: { number: 1, state: 'closed' } });
    expect(await sync(github, PASSING)).toMatchObject({ kind: 'unchanged', issue: { number: 1, state: 'closed' } });
    expect(await sync(github, FAILING)).toMatchObject({ kind: 'reopened', issue: { number: 1, state: 'open' } });
    expect(github.issues('o/r')).toHaveLength(1);
    expect(github.writes).toEqual(['create-issue #1', 'update-issue #1', 'update-issue #1 closed', 'update-issue #1 open']);
  });

  it('finds its issue by the hidden marker whatever the title became, and ignores issues without it', async () => {
    const marker = issueMarker('o/r', 'pinned-actions');
    const github = memoryGithub({
      'o/r': {
        files: {},
        issues: [
          { number: 4, state: 'open', title: 'unrelated', body: 'about pinned-actions, without the marker' },
          { number: 9, state: 'open', title: 'renamed by a maintainer', body: `old text\n\n${marker}\n` },
        ],
      },
    });
    expect(await sync(github, FAILING)).toMatchObject({ kind: 'updated', issue: { number: 9 } });
    expect(github.issues('o/r').map((issue) => issue.number)).toEqual([4, 9]);
  });

  it('one issue per check: another check gets its own', async () => {
    const github = memoryGithub({ 'o/r': { files: {} } });
    await sync(github, FAILING);
    await sync(github, { ...FAILING, id: 'token-permissions' });
    expect(github.issues('o/r').map((issue) => issue.title)).toEqual([
      'Posture: Actions are pinned to full commit SHAs (pinned-actions)',
      'Posture: Workflow tokens are read-only by default (token-permissions)',
    ]);
  });

  it.each([
    ['not-available', { ...FAILING, outcome: 'not-available' as const, summary: 'needs the GitHub API' }, 'left-alone'],
    ['error', { ...FAILING, outcome: 'error' as const }, 'left-alone'],
  ])('leaves an open issue alone when the check is %s (could not tell is not passing)', async (_name, check, kind) => {
    const github = memoryGithub({ 'o/r': { files: {} } });
    await sync(github, FAILING);
    expect(await sync(github, check)).toMatchObject({ kind, issue: { number: 1, state: 'open' } });
  });

  it('closes the issue when the failure is waived, saying so', async () => {
    const github = memoryGithub({ 'o/r': { files: {} } });
    await sync(github, FAILING);
    const outcome = await sync(github, { ...FAILING, waiver: { reason: 'vendored workflow', approvedBy: 'council', expires: '2027-01-01' } });
    expect(outcome.kind).toBe('closed');
    expect(github.issues('o/r')[0]!.body).toContain('The check is waived: vendored workflow (approved by council, until 2027-01-01).');
  });

  it('the body says what is wrong, where, how to fix it, carries the patch and ends with the marker', async () => {
    const github = memoryGithub({ 'o/r': { files: {} } });
    await syncIssue(github, 'o/r', FAILING, issueText('o/r', FAILING, 'diff --git a/x b/x\n'));
    const body = github.issues('o/r')[0]!.body;
    expect(body).toContain('`o/r` does not meet `pinned-actions` (fail): 1 action not pinned');
    expect(body).toContain('- `.github/workflows/ci.yml:7`: actions/checkout@v4 is not pinned — fix: pin it');
    expect(body).toContain('```diff\ndiff --git a/x b/x\n```');
    expect(body.endsWith(`${issueMarker('o/r', 'pinned-actions')}\n`)).toBe(true);
  });
});
