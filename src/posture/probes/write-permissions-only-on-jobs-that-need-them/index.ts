import type { PostureFinding } from '../../types.js';
import { jobNeedsScope, localActionIndex, scopeLine, writeScopes } from '../common/actions.js';
import { repoWorkflows } from '../common/workflows.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'writePermissionsOnlyOnJobsThatNeedThem',
  question: 'Does every job-level write scope belong to a job that uses it?',
  why: 'A write scope on a job that never writes is a free gift to whatever code runs in that job.',
  fix: 'Remove the write scope from the job (or narrow `write-all` to the scopes it uses).',
  needs: 'files',
};

/**
 * Judged only where the answer is known: a job whose steps are all known
 * (actions in chainwatch's tables, or shell steps that neither hold the token
 * nor call GitHub) and none of them needs the scope. An unknown action or a
 * reusable workflow could need anything, so it is never reported.
 */
export interface JobWritePermissionsEvidence {
  /** Jobs that declare a write scope. */
  readonly jobsWithWrite: number;
  /** Job write scopes no step of the job uses. */
  readonly unneeded: number;
}

export const writePermissionsOnlyOnJobsThatNeedThem: RepoProbe<JobWritePermissionsEvidence> = {
  metadata,
  run(facts) {
    const { workflows, actions, errors } = repoWorkflows(facts);
    const localActions = localActionIndex(actions);
    const findings: PostureFinding[] = [];
    let writeJobs = 0;
    for (const workflow of workflows) {
      for (const job of workflow.jobs) {
        const permissions = job.permissions;
        if (!permissions) continue;
        const scopes = writeScopes(permissions);
        if (scopes.length > 0) writeJobs++;
        for (const scope of scopes) {
          if (scope === '*') {
            findings.push({ file: workflow.path, line: permissions.line, message: `job ${job.id} has \`permissions: write-all\``, fix: 'list only the scopes the job uses' });
            continue;
          }
          if (jobNeedsScope(job, scope, localActions) !== 'not-needed') continue;
          findings.push({
            file: workflow.path,
            line: scopeLine(permissions, scope),
            message: `job ${job.id} has \`${scope}: write\` but none of its steps needs it`,
            fix: `remove \`${scope}: write\` from job ${job.id}`,
          });
        }
      }
    }
    const evidence = { jobsWithWrite: writeJobs, unneeded: findings.length };
    if (findings.length > 0) return answer(metadata.id, 'false', [...findings, ...errors], evidence);
    if (errors.length > 0) return answer(metadata.id, 'error', errors, evidence);
    if (writeJobs === 0) return answer(metadata.id, 'not-applicable', [], evidence);
    return answer(metadata.id, 'true', [], evidence);
  },
};
