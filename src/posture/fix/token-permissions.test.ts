import { describe, expect, it } from 'vitest';
import { gitApply, loadSharedProject } from './fix-testing.fixture.js';
import { findWorkflowPermissionProblems, planTokenPermissions } from './token-permissions.js';
import { renderUnifiedDiff } from './unified-diff.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

describeWithSharedData('planTokenPermissions on jupyter/nbconvert', () => {
  const project = loadSharedProject('jupyter/nbconvert');
  const plan = planTokenPermissions('jupyter/nbconvert', project.files);

  it('adds a block to each of the five workflows (none has top-level permissions)', () => {
    expect(findWorkflowPermissionProblems(project.files)).toEqual(
      ['docs.yml', 'enforce-label.yml', 'prep-release.yml', 'publish-release.yml', 'tests.yml'].map((name) => ({ file: `.github/workflows/${name}`, problem: 'missing' })),
    );
    expect(plan.changes.map((change) => change.path)).toEqual([
      '.github/workflows/docs.yml',
      '.github/workflows/enforce-label.yml',
      '.github/workflows/prep-release.yml',
      '.github/workflows/publish-release.yml',
      '.github/workflows/tests.yml',
    ]);
  });

  it('docs.yml (one job, no permissions of its own) gets contents: read above jobs: at line 12', () => {
    const docs = plan.changes.find((change) => change.path === '.github/workflows/docs.yml')!;
    expect(renderUnifiedDiff([docs])).toBe(
      [
        'diff --git a/.github/workflows/docs.yml b/.github/workflows/docs.yml',
        '--- a/.github/workflows/docs.yml',
        '+++ b/.github/workflows/docs.yml',
        '@@ -9,6 +9,9 @@',
        '   group: docs-${{ github.ref }}',
        '   cancel-in-progress: true',
        ' ',
        '+permissions:',
        '+  contents: read',
        '+',
        ' jobs:',
        '   generate-docs:',
        '     runs-on: ubuntu-latest',
        '',
      ].join('\n'),
    );
  });

  it('enforce-label.yml (its only job declares pull-requests: write) gets permissions: {} and keeps the job block', () => {
    const change = plan.changes.find((entry) => entry.path === '.github/workflows/enforce-label.yml')!;
    const after = change.after.split('\n');
    // Line 5 (`types: [...]`) is directly above `jobs:`: a blank line separates the new block.
    expect(after.slice(4, 11)).toEqual([
      '    types: [labeled, unlabeled, opened, edited, synchronize]',
      '',
      'permissions: {}',
      '',
      'jobs:',
      '  enforce-label:',
      '    runs-on: ubuntu-latest',
    ]);
    expect(after.slice(11, 13)).toEqual(['    permissions:', '      pull-requests: write']);
  });

  it('says which jobs now run read-only, for review; none for the {} files', () => {
    expect(plan.notes.filter((note) => note.kind === 'review').map((note) => `${note.file}:${note.line}`)).toEqual(['.github/workflows/docs.yml:12', '.github/workflows/tests.yml:18']);
    const tests = plan.notes.find((note) => note.file === '.github/workflows/tests.yml')!;
    expect(tests.message).toMatch(/^jobs run-tests, coverage, test_lint, check_release, check_links, test_minimum_versions, /);
  });

  it('the diff applies with git and nothing but the block (and blank lines around it) is added', () => {
    const applied = gitApply(plan.changes, renderUnifiedDiff(plan.changes));
    const added = Object.fromEntries(plan.changes.map((change) => [change.path.split('/').pop(), change.after.split('\n').length - change.before!.split('\n').length]));
    // Read from the files: a blank line already precedes `jobs:` in docs, publish-release and tests;
    // two-line blocks (contents: read) in docs and tests, one-line `{}` in the others.
    expect(added).toEqual({ 'docs.yml': 3, 'enforce-label.yml': 3, 'prep-release.yml': 3, 'publish-release.yml': 2, 'tests.yml': 3 });
    for (const change of plan.changes) expect(applied.get(change.path)).toBe(change.after);
  });
});

describe('planTokenPermissions moves top-level writes down (jupyterlab/jupyterlab lock.yml)', () => {
  itWithSharedData('copies the block to the job (each value was on its own line) and empties the top level', () => {
    const project = loadSharedProject('jupyterlab/jupyterlab');
    const plan = planTokenPermissions('jupyterlab/jupyterlab', project.files);
    const lock = plan.changes.find((change) => change.path === '.github/workflows/lock.yml')!;
    // Lines 7-11 of the file are `permissions:` / `  issues:` / `    write` / `  pull-requests:` / `    write`; the one job is `lock` at line 14.
    expect(renderUnifiedDiff([lock])).toBe(
      [
        'diff --git a/.github/workflows/lock.yml b/.github/workflows/lock.yml',
        '--- a/.github/workflows/lock.yml',
        '+++ b/.github/workflows/lock.yml',
        '@@ -4,14 +4,13 @@',
        '   schedule:',
        "     - cron: '0 0 * * *'",
        ' ',
        '-permissions:',
        '-  issues:',
        '-    write',
        '-  pull-requests:',
        '-    write',
        '+permissions: {}',
        ' ',
        ' jobs:',
        '   lock:',
        '+    permissions:',
        '+      issues: write',
        '+      pull-requests: write',
        '     runs-on: ubuntu-latest',
        '     steps:',
        '       - uses: dessant/lock-threads@7266a7ce5c1df01b1c6db85bf8cd86c737dadbe7 # v6',
        '',
      ].join('\n'),
    );
    expect(plan.notes.find((note) => note.file === '.github/workflows/lock.yml')).toEqual({
      kind: 'review',
      file: '.github/workflows/lock.yml',
      line: 7,
      message: 'the top-level permissions (issues: write, pull-requests: write) moved to job lock (each keeps the token it had); remove the scopes a job does not need',
    });
    const applied = gitApply(plan.changes, renderUnifiedDiff(plan.changes));
    for (const change of plan.changes) expect(applied.get(change.path)).toBe(change.after);
  });

  it('gives every job without a block a copy; jobs with their own keep theirs', () => {
    const text = ['on: push', 'permissions:', '  contents: write', 'jobs:', '  a:', '    runs-on: x', '  b:', '    permissions:', '      contents: read', '    runs-on: x', '  c:', '', '    # comment first', '    runs-on: x', ''].join('\n');
    const plan = planTokenPermissions('o/r', [{ path: '.github/workflows/w.yml', text }]);
    expect(plan.changes[0]!.after).toBe(
      [
        'on: push',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    permissions:',
        '      contents: write',
        '    runs-on: x',
        '  b:',
        '    permissions:',
        '      contents: read',
        '    runs-on: x',
        '  c:',
        '    permissions:',
        '      contents: write',
        '',
        '    # comment first',
        '    runs-on: x',
        '',
      ].join('\n'),
    );
  });
});

describe('planTokenPermissions cases', () => {
  it.each([
    ['top-level read-only already', 'on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n', 0, []],
    ['top-level write is not rewritten, only reported', 'on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n', 0, ['skipped:2']],
    ['unparsable YAML is skipped with its line', 'on: push\njobs:\n  a: b: c\n', 0, ['skipped:3']],
    ['a workflow written as one flow map is left to a human', '{ on: push, jobs: { a: { runs-on: x } } }\n', 0, ['skipped:undefined']],
    ['flow-style jobs under a block root still get the block above them', 'on: push\njobs: { a: { runs-on: x } }\n', 1, ['review:2']],
  ])('%s', (_name, text, changes, notes) => {
    const plan = planTokenPermissions('o/r', [{ path: '.github/workflows/ci.yml', text }]);
    expect(plan.changes).toHaveLength(changes);
    expect(plan.notes.map((note) => `${note.kind}:${note.line}`)).toEqual(notes);
  });

  it('puts the block above the comments that introduce jobs:, in the file’s indentation and line endings', () => {
    const text = 'on: push\r\n# The jobs\r\njobs:\r\n    build:\r\n        runs-on: x\r\n';
    const plan = planTokenPermissions('o/r', [{ path: '.github/workflows/ci.yaml', text }]);
    expect(plan.changes[0]!.after).toBe('on: push\r\n\r\npermissions:\r\n    contents: read\r\n\r\n# The jobs\r\njobs:\r\n    build:\r\n        runs-on: x\r\n');
  });

  it('ignores action files and files outside .github/workflows', () => {
    const text = 'on: push\njobs:\n  a:\n    runs-on: x\n';
    expect(planTokenPermissions('o/r', [{ path: '.github/actions/x/action.yml', text }, { path: '.github/workflows/sub/ci.yml', text }]).changes).toEqual([]);
  });
});
