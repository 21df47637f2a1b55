import { formatPatch, OMIT_HEADERS, structuredPatch } from 'diff';
import type { FileChange } from './types.js';

/**
 * A git-style unified diff (`diff --git a/… b/…`, `new file mode` for created
 * files) that `git apply` and `patch -p1` accept in the repository's root.
 * jsdiff computes the hunks; the headers are git's, which jsdiff does not
 * write. Unchanged files are left out.
 */
export function renderUnifiedDiff(changes: readonly FileChange[]): string {
  return changes
    .filter((change) => change.before !== change.after)
    .map(fileDiff)
    .join('');
}

function fileDiff(change: FileChange): string {
  const created = change.before === null;
  const header = created
    ? [`diff --git a/${change.path} b/${change.path}`, 'new file mode 100644', '--- /dev/null', `+++ b/${change.path}`]
    : [`diff --git a/${change.path} b/${change.path}`, `--- a/${change.path}`, `+++ b/${change.path}`];
  const patch = structuredPatch(`a/${change.path}`, `b/${change.path}`, change.before ?? '', change.after, undefined, undefined, { context: 3 });
  const hunks = formatPatch(patch, OMIT_HEADERS);
  return `${header.join('\n')}\n${hunks.endsWith('\n') ? hunks : `${hunks}\n`}`;
}
