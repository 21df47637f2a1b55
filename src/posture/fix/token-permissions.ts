import { parseWorkflow } from '../workflows/index.js';
import type { Permissions, Workflow } from '../workflows/index.js';
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
    else if (grantsWrite(permissions)) problems.push({ file: file.path, line: permissions.line, problem: 'grants-write' });
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
 * A top-level block that grants writes is not rewritten: which job needs the
 * write is a human decision; it is listed as skipped.
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
      if (grantsWrite(workflow.permissions)) {
        notes.push({
          kind: 'skipped',
          file: file.path,
          line: workflow.permissions.line,
          message: 'top-level permissions grant write access: move each write scope to the jobs that need it and make the top level `contents: read`',
        });
      }
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

function indentOf(line: string | undefined): string {
  return /^( +)/.exec(line ?? '')?.[1] ?? '';
}

export function grantsWrite(permissions: Permissions): boolean {
  if (permissions.kind === 'all') return permissions.access === 'write';
  if (permissions.kind === 'scopes') return permissions.scopes.some((scope) => scope.access === 'write');
  return false;
}

function sortedWorkflows(files: readonly RepoFile[]): RepoFile[] {
  return files.filter((file) => isWorkflowFile(file.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
