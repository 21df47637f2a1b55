import { describe, expect, it } from 'vitest';
import { gitApply } from './fix-testing.fixture.js';
import type { FileChange } from './types.js';
import { renderUnifiedDiff } from './unified-diff.js';

describe('renderUnifiedDiff', () => {
  it('writes git headers and hunks for a changed file', () => {
    const change: FileChange = { path: '.github/workflows/ci.yml', before: 'a\nb\nc\nd\ne\nf\ng\nh\n', after: 'a\nb\nc\nd\nE\nf\ng\nh\n' };
    expect(renderUnifiedDiff([change])).toBe(
      [
        'diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml',
        '--- a/.github/workflows/ci.yml',
        '+++ b/.github/workflows/ci.yml',
        '@@ -2,7 +2,7 @@',
        ' b',
        ' c',
        ' d',
        '-e',
        '+E',
        ' f',
        ' g',
        ' h',
        '',
      ].join('\n'),
    );
  });

  it('marks a created file as new', () => {
    expect(renderUnifiedDiff([{ path: '.github/dependabot.yml', before: null, after: 'version: 2\nupdates:\n' }])).toBe(
      ['diff --git a/.github/dependabot.yml b/.github/dependabot.yml', 'new file mode 100644', '--- /dev/null', '+++ b/.github/dependabot.yml', '@@ -0,0 +1,2 @@', '+version: 2', '+updates:', ''].join('\n'),
    );
  });

  it('leaves unchanged files out', () => {
    expect(renderUnifiedDiff([{ path: 'x', before: 'same\n', after: 'same\n' }])).toBe('');
  });

  it.each<[string, FileChange[]]>([
    ['a change in the middle', [{ path: 'a.yml', before: 'one\ntwo\nthree\n', after: 'one\n2\nthree\n' }]],
    ['a new file in a new folder', [{ path: '.github/dependabot.yml', before: null, after: 'version: 2\n' }]],
    ['a file without a final newline', [{ path: 'b.yml', before: 'x: 1', after: 'x: 2\ny: 3' }]],
    ['CRLF lines', [{ path: 'c.yml', before: 'a\r\nb\r\n', after: 'a\r\nB\r\nc\r\n' }]],
    [
      'several files at once',
      [
        { path: 'a.yml', before: 'a\n', after: 'b\n' },
        { path: 'd/e.yml', before: null, after: 'new\n' },
      ],
    ],
  ])('git apply accepts it and gives the new text: %s', (_name, changes) => {
    const applied = gitApply(changes, renderUnifiedDiff(changes));
    for (const change of changes) expect(applied.get(change.path)).toBe(change.after);
  });
});
