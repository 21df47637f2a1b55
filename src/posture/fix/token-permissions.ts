import { compareText } from '../../core/compare.js';
import { writeScopes } from '../probes/common/actions.js';
import { parseWorkflow } from '../workflows/index.js';
import type { Workflow } from '../workflows/index.js';
import type { RepoFile } from '../types.js';
import type { FileChange, FixNote, FixPlan } from './types.js';
import { isWorkflowFile, lineEnding, splitLinesKeepingEnds } from './workflow-files.js';

export interface WorkflowPermissionProblem {
  file: string;
  /** The top-level `permissions:` line when it exists. */
  line?: number;
  problem: 'missing' | 'grants-write';
}

/** Workflows with no top-level `permissions`, or whose top-level block grants write access. */
export function findWorkflowPermissionProblems(files: readonly RepoFile[]): WorkflowPermissionProblem[] {
  const problems: WorkflowPermissionProblem[] = [];
  for (const file of sortedWorkflows(files)) {
    const parsed = parseWorkflow(file.path, file.text, 'workflow');
    if (!parsed.ok) continue;
    const permissions = parsed.value.permissions;
    if (permissions === null) problems.push({ file: file.path, problem: 'missing' });
    else if (writeScopes(permissions).length > 0) problems.push({ file: file.path, line: permissions.line, problem: 'grants-write' });
  }
  return problems;
}

/**
 * Adds a top-level `permissions:` block to every workflow that has none,
 * just above `jobs:` (and the comments that introduce it):
 *   - `permissions: {}` when every job declares its own permissions (a job's
 *     block replaces the workflow's, so nothing else is needed);
 *   - `permissions:\n  contents: read` otherwise, so the jobs without a block
 *     can still check out the code.
 * Job-level blocks (and their write scopes) are left exactly as they are.
 *
 * A top-level block of scopes that grants writes is moved down: each job
 * without a block of its own gets a copy (so every job keeps exactly the
 * token it had) and the top level becomes `permissions: {}`; a reviewer then
 * drops the scopes a job does not need. `write-all` is not copied (too broad
 * to hand to every job unseen): it is listed as skipped.
 */
export function planTokenPermissions(repo: string, files: readonly RepoFile[]): FixPlan {
  const changes: FileChange[] = [];
  const notes: FixNote[] = [];
  const changed: string[] = [];
  for (const file of sortedWorkflows(files)) {
    const parsed = parseWorkflow(file.path, file.text, 'workflow');
    if (!parsed.ok) {
      notes.push({ kind: 'skipped', file: file.path, line: parsed.error.location?.line, message: `not read: ${parsed.error.message}` });
      continue;
    }
    const workflow = parsed.value;
    if (workflow.permissions !== null) {
      if (writeScopes(workflow.permissions).length === 0) continue;
      const moved = moveTopLevelWrites(file.text, workflow);
      if (!moved.ok) {
        notes.push({ kind: 'skipped', file: file.path, line: workflow.permissions.line, message: moved.reason });
        continue;
      }
      changes.push({ path: file.path, before: file.text, after: moved.text });
      changed.push(`- \`${file.path}\`: top-level \`${moved.block}\` moved to job${moved.jobs.length === 1 ? '' : 's'} ${moved.jobs.join(', ')}; top level \`permissions: {}\``);
      notes.push({
        kind: 'review',
        file: file.path,
        line: workflow.permissions.line,
        message: `the top-level ${moved.block} moved to job${moved.jobs.length === 1 ? '' : 's'} ${moved.jobs.join(', ')} (each keeps the token it had); remove the scopes a job does not need`,
      });
      continue;
    }
    const edit = addTopLevelPermissions(file.text, workflow);
    if (!edit.ok) {
      notes.push({ kind: 'skipped', file: file.path, message: edit.reason });
      continue;
    }
    changes.push({ path: file.path, before: file.text, after: edit.text });
    changed.push(`- \`${file.path}\`: \`${edit.block}\``);
    const inheriting = workflow.jobs.filter((job) => job.permissions === null).map((job) => job.id);
    if (inheriting.length > 0 && edit.block !== 'permissions: {}') {
      notes.push({
        kind: 'review',
        file: file.path,
        line: workflow.jobsLine,
        message: `job${inheriting.length === 1 ? '' : 's'} ${inheriting.join(', ')} now get${inheriting.length === 1 ? 's' : ''} contents: read only (before: the repository default); give a job its own permissions: block if it writes`,
      });
    }
  }
  return {
    repo,
    check: 'token-permissions',
    changes,
    notes,
    title: `Declare read-only top-level token permissions in ${changes.length} workflow${changes.length === 1 ? '' : 's'}`,
    description: [
      'Without top-level `permissions`, every job of a workflow gets the repository default for `GITHUB_TOKEN`, which is often write access to everything. These workflows now start from read-only; jobs that declare their own `permissions` keep them.',
      '',
      ...changed,
    ].join('\n'),
  };
}

type Edit = { ok: true; text: string; block: string } | { ok: false; reason: string };

function addTopLevelPermissions(text: string, workflow: Workflow): Edit {
  const lines = splitLinesKeepingEnds(text);
  const jobsIndex = workflow.jobsLine - 1;
  const jobsLine = lines[jobsIndex];
  if (workflow.jobs.length === 0 || jobsLine === undefined || !/^jobs\s*:/.test(jobsLine)) {
    return { ok: false, reason: 'no block-style top-level `jobs:` to put permissions above; add them by hand' };
  }
  const everyJobDeclares = workflow.jobs.every((job) => job.permissions !== null);
  const newline = lineEnding(text);
  const indent = indentOf(lines[workflow.jobs[0]!.line - 1]) || '  ';
  const block = everyJobDeclares ? ['permissions: {}'] : ['permissions:', `${indent}contents: read`];
  // Comments directly above `jobs:` introduce the jobs; the new block goes above them.
  let insertAt = jobsIndex;
  while (insertAt > 0 && /^#/.test(lines[insertAt - 1]!)) insertAt--;
  const previous = lines[insertAt - 1];
  const needsBlankBefore = previous !== undefined && previous.trim() !== '';
  const inserted = [...(needsBlankBefore ? [''] : []), ...block, ''].map((line) => `${line}${newline}`);
  if (previous !== undefined && !previous.endsWith('\n')) lines[insertAt - 1] = `${previous}${newline}`;
  lines.splice(insertAt, 0, ...inserted);
  return { ok: true, text: lines.join(''), block: block.map((line) => line.trim()).join(' ') };
}

type Move = { ok: true; text: string; block: string; jobs: string[] } | { ok: false; reason: string };

/** Copies a top-level block of scopes into each job without one, then empties the top level. */
function moveTopLevelWrites(text: string, workflow: Workflow): Move {
  const permissions = workflow.permissions!;
  if (permissions.kind !== 'scopes') {
    return { ok: false, reason: 'top-level `write-all` (or an expression) is not copied to every job: give each job the scopes it needs, then make the top level `contents: read`' };
  }
  if (workflow.jobs.length === 0) return { ok: false, reason: 'top-level permissions grant write access, and there is no job to move them to' };
  const lines = splitLinesKeepingEnds(text);
  const newline = lineEnding(text);
  const first = permissions.line - 1;
  if (!/^permissions\s*:/.test(lines[first] ?? '')) return { ok: false, reason: 'top-level permissions not in block style: move the write scopes to the jobs by hand' };
  // The block is every line up to the next top-level key (a value may sit on the line after its scope),
  // less the blank lines and column-0 comments that introduce that key.
  let next = first + 1;
  while (next < lines.length && !/^[^\s#]/.test(lines[next]!)) next++;
  let last = next - 1;
  while (last > first && /^(\s*\r?\n?$|#)/.test(lines[last]!)) last--;
  const inserts: { at: number; lines: string[] }[] = [];
  const receiving: string[] = [];
  for (const job of workflow.jobs) {
    if (job.permissions !== null) continue;
    const keyIndex = job.line - 1;
    const keyLine = lines[keyIndex] ?? '';
    if (!/^\s+[^\s#][^:]*:\s*(#.*)?\r?\n?$/.test(keyLine)) return { ok: false, reason: `job ${job.id} is not in block style: move the write scopes to the jobs by hand` };
    const jobIndent = indentOf(keyLine);
    let bodyIndex = keyIndex + 1;
    while (bodyIndex < lines.length && /^\s*(#.*)?\r?\n?$/.test(lines[bodyIndex]!)) bodyIndex++;
    const bodyIndent = indentOf(lines[bodyIndex]);
    if (bodyIndent.length <= jobIndent.length) return { ok: false, reason: `job ${job.id} has no body to put permissions in` };
    const unit = ' '.repeat(bodyIndent.length - jobIndent.length);
    inserts.push({ at: keyIndex + 1, lines: [`${bodyIndent}permissions:`, ...permissions.scopes.map((scope) => `${bodyIndent}${unit}${scope.scope}: ${scope.access}`)] });
    receiving.push(job.id);
  }
  if (receiving.length === 0) return { ok: false, reason: 'every job declares its own permissions: the top-level block is unused; replace it by `permissions: {}`' };
  // In one pass, top to bottom: the job blocks (below the top-level block or above it) and the top level never overlap.
  // No splice(at, n, ...lines): a workflow can name more permission scopes than a call takes arguments.
  const edits = [...inserts.map((insert) => ({ at: insert.at, remove: 0, lines: insert.lines })), { at: first, remove: last - first + 1, lines: ['permissions: {}'] }].sort((a, b) => a.at - b.at);
  const edited: string[] = [];
  let kept = 0;
  for (const edit of edits) {
    while (kept < edit.at) edited.push(lines[kept++]!);
    for (const line of edit.lines) edited.push(`${line}${newline}`);
    kept += edit.remove;
  }
  while (kept < lines.length) edited.push(lines[kept++]!);
  const block = permissions.scopes.map((scope) => `${scope.scope}: ${scope.access}`).join(', ');
  return { ok: true, text: edited.join(''), block: `permissions (${block})`, jobs: receiving };
}

function indentOf(line: string | undefined): string {
  return /^( +)/.exec(line ?? '')?.[1] ?? '';
}

function sortedWorkflows(files: readonly RepoFile[]): RepoFile[] {
  return files.filter((file) => isWorkflowFile(file.path)).sort((a, b) => compareText(a.path, b.path));
}
