import type { PostureFinding } from '../../types.js';
import type { Step } from '../../workflows/model.js';
import { localActionIndex, PRIVILEGED_TRIGGERS, untrustedCheckout, type UntrustedCheckout } from '../common/actions.js';
import { repoWorkflows } from '../common/workflows.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasDangerousTrigger',
  question: 'Does a `pull_request_target` or `workflow_run` workflow check out (or run) the untrusted head of a pull request?',
  why: "These triggers run with a write token and the repository's secrets; checking out a fork's code there lets anyone who opens a pull request run code with them (a \"pwn request\").",
  fix: 'Build and test untrusted code under `pull_request`; in the privileged workflow use only the base branch, or read artifacts as data, never check out the head.',
  needs: 'files',
};

export interface DangerousTriggerEvidence {
  /** Workflows triggered by pull_request_target or workflow_run, dangerous or not. */
  readonly privilegedWorkflows: readonly string[];
}

export const hasDangerousTrigger: RepoProbe<DangerousTriggerEvidence> = {
  metadata,
  run(facts) {
    const { workflows, actions, errors } = repoWorkflows(facts);
    const localActions = localActionIndex(actions);
    const findings: PostureFinding[] = [];
    const privileged: string[] = [];
    for (const workflow of workflows) {
      const triggers = workflow.triggers.filter((trigger) => (PRIVILEGED_TRIGGERS as readonly string[]).includes(trigger.event));
      if (triggers.length === 0) continue;
      privileged.push(workflow.path);
      const names = [...new Set(triggers.map((trigger) => trigger.event))].join('/');
      for (const job of workflow.jobs) {
        // A local reusable workflow runs with the caller's trigger and token: look inside it too.
        const called = job.uses?.kind === 'local' ? workflows.find((candidate) => candidate.path === job.uses!.raw.trim().replace(/^\.\//, '')) : undefined;
        const steps = [
          ...job.steps.map((step) => ({ step, file: workflow.path })),
          ...(called?.jobs.flatMap((inner) => inner.steps.map((step) => ({ step, file: called.path }))) ?? []),
        ];
        for (const { step, file } of steps) {
          const found = checkoutIn(step, localActions);
          if (!found) continue;
          findings.push({
            file: found.file ?? file,
            line: found.checkout.line,
            message: `\`${names}\` workflow ${workflow.path} (job ${job.id}) ${found.checkout.how}: the pull request's untrusted head runs with a write token and secrets`,
            fix: metadata.fix,
          });
        }
      }
    }
    const evidence = { privilegedWorkflows: privileged };
    if (findings.length > 0) return answer(metadata.id, 'true', [...findings, ...errors], evidence);
    if (errors.length > 0) return answer(metadata.id, 'error', errors, evidence);
    if (workflows.length === 0) return answer(metadata.id, 'not-applicable', [], evidence);
    return answer(metadata.id, 'false', [], evidence);
  },
};

function checkoutIn(step: Step, localActions: ReturnType<typeof localActionIndex>, depth = 0): { checkout: UntrustedCheckout; file?: string } | null {
  const direct = untrustedCheckout(step);
  if (direct) return { checkout: direct };
  if (step.uses?.kind === 'local' && depth < 4) {
    const action = localActions.get(step.uses.path.replace(/\/$/, ''));
    for (const inner of action?.jobs.flatMap((job) => job.steps) ?? []) {
      const found = checkoutIn(inner, localActions, depth + 1);
      if (found) return { checkout: found.checkout, file: found.file ?? action!.path };
    }
  }
  return null;
}
