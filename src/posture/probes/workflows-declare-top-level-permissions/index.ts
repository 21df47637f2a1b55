import type { PostureFinding } from '../../types.js';
import { repoWorkflows } from '../common/workflows.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'workflowsDeclareTopLevelPermissions',
  question: 'Does every workflow declare a top-level `permissions:` block?',
  why: "A workflow without one runs every job with the repository's default GITHUB_TOKEN permissions, which are read-write on older repositories and orgs.",
  fix: 'Add `permissions: {}` (or `contents: read`) at the top of the workflow, and grant write scopes on the jobs that need them.',
  needs: 'files',
};

export interface TopLevelPermissionsDeclaredEvidence {
  /** Workflows read. */
  readonly workflows: number;
  /** Workflows without a top-level `permissions:` block. */
  readonly undeclared: readonly string[];
}

export const workflowsDeclareTopLevelPermissions: RepoProbe<TopLevelPermissionsDeclaredEvidence> = {
  metadata,
  run(facts) {
    const { workflows, errors } = repoWorkflows(facts);
    const missing = workflows.filter((workflow) => workflow.permissions === null);
    const findings: PostureFinding[] = missing.map((workflow) => {
      const undeclaredJobs = workflow.jobs.filter((job) => job.permissions === null).map((job) => job.id);
      return {
        file: workflow.path,
        line: workflow.jobsLine,
        message:
          undeclaredJobs.length > 0
            ? `no top-level \`permissions:\`; job(s) ${undeclaredJobs.join(', ')} run with the default token permissions`
            : 'no top-level `permissions:` (every job declares its own)',
        fix: metadata.fix,
      };
    });
    const evidence = { workflows: workflows.length, undeclared: missing.map((workflow) => workflow.path) };
    if (missing.length > 0) return answer(metadata.id, 'false', [...findings, ...errors], evidence);
    if (errors.length > 0) return answer(metadata.id, 'error', errors, evidence);
    if (workflows.length === 0) return answer(metadata.id, 'not-applicable', [], evidence);
    return answer(metadata.id, 'true', [], evidence);
  },
};
