import { describe, expect, it } from 'vitest';
import { memoryGithub } from './memory-github.fixture.js';
import { fixBranch, gitBlobSha, openFixPullRequest, pullRequestMarker } from './pull-request.js';
import type { FixPlan } from './types.js';

const CI_BEFORE = 'on: push\njobs:\n  a:\n    runs-on: x\n';
const CI_AFTER = 'on: push\n\npermissions:\n  contents: read\n\njobs:\n  a:\n    runs-on: x\n';

function plan(overrides: Partial<FixPlan> = {}): FixPlan {
  return {
    repo: 'o/r',
    check: 'token-permissions',
    changes: [{ path: '.github/workflows/ci.yml', before: CI_BEFORE, after: CI_AFTER }],
    notes: [{ kind: 'review', file: '.github/workflows/ci.yml', line: 2, message: 'job a now gets contents: read only' }],
    title: 'Declare read-only top-level token permissions in 1 workflow',
    description: 'Why.',
    ...overrides,
  };
}

describe('gitBlobSha', () => {
  it('is git’s blob id', () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

describe('openFixPullRequest', () => {
  it('branches from the default branch, commits each file, opens the pull request', async () => {
    const github = memoryGithub({ 'o/r': { files: { '.github/workflows/ci.yml': CI_BEFORE, 'README.md': 'hi\n' } } });
    const outcome = await openFixPullRequest(github, plan());
    expect(outcome).toEqual({ kind: 'created', branch: 'chainwatch/fix-token-permissions', pullRequest: { number: 1, url: 'https://github.test/o/r/pull/1' } });
    expect(github.writes).toEqual(['create-branch chainwatch/fix-token-permissions', 'put chainwatch/fix-token-permissions .github/workflows/ci.yml', 'create-pull #1']);
    expect(github.filesOn('o/r', fixBranch(plan()))).toEqual({ '.github/workflows/ci.yml': CI_AFTER, 'README.md': 'hi\n' });
    expect(github.filesOn('o/r', 'main')['.github/workflows/ci.yml']).toBe(CI_BEFORE);
    const pull = github.pulls('o/r')[0]!;
    expect(pull).toMatchObject({ head: 'chainwatch/fix-token-permissions', base: 'main', title: 'Declare read-only top-level token permissions in 1 workflow' });
    expect(pull.body).toContain('- `.github/workflows/ci.yml:2`: job a now gets contents: read only');
    expect(pull.body.endsWith(pullRequestMarker(plan()))).toBe(true);
  });

  it('a second run resets the branch and updates the same pull request', async () => {
    const github = memoryGithub({ 'o/r': { files: { '.github/workflows/ci.yml': CI_BEFORE } } });
    await openFixPullRequest(github, plan());
    github.writes.length = 0;
    const outcome = await openFixPullRequest(github, plan({ title: 'Again' }));
    expect(outcome).toMatchObject({ kind: 'updated', pullRequest: { number: 1 } });
    expect(github.writes).toEqual(['reset-branch chainwatch/fix-token-permissions', 'put chainwatch/fix-token-permissions .github/workflows/ci.yml', 'update-pull #1']);
    expect(github.pulls('o/r')).toHaveLength(1);
    expect(github.pulls('o/r')[0]!.title).toBe('Again');
  });

  it('creates new files', async () => {
    const github = memoryGithub({ 'o/r': { files: {} } });
    await openFixPullRequest(github, plan({ check: 'dependency-update-tool', changes: [{ path: '.github/dependabot.yml', before: null, after: 'version: 2\n' }] }));
    expect(github.filesOn('o/r', 'chainwatch/fix-dependency-update-tool')).toEqual({ '.github/dependabot.yml': 'version: 2\n' });
  });

  it('stops, writing nothing, when a file changed since it was read', async () => {
    const github = memoryGithub({ 'o/r': { files: { '.github/workflows/ci.yml': `${CI_BEFORE}# edited since\n` } } });
    await expect(openFixPullRequest(github, plan())).rejects.toThrow('o/r: .github/workflows/ci.yml changed on main since it was read; run the fix again');
    expect(github.writes).toEqual([]);
  });

  it('does nothing when there is nothing to change', async () => {
    const github = memoryGithub({ 'o/r': { files: {} } });
    expect(await openFixPullRequest(github, plan({ changes: [] }))).toEqual({ kind: 'nothing-to-change' });
    expect(github.writes).toEqual([]);
  });
});
