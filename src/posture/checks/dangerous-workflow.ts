import { firstError, list, present, result, upperFirst } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'dangerous-workflow';

export const dangerousWorkflow = repoCheck({
  id,
  title: 'No workflow runs untrusted code with privileges',
  column: 'dangerous-wf',
  risk: 'critical',
  why: 'A privileged trigger that checks out a fork, or a script that pastes in an issue title, lets outsiders run code with the repository token and secrets.',
  fix: 'Build untrusted code under `pull_request`; never check out the head in `pull_request_target`/`workflow_run`; pass untrusted text through `env:`.',
  docsAnchor: `check-${id}`,
  probes: ['hasDangerousTrigger', 'expandsUntrustedInputInRun'],
  needs: ['files'],
  evaluate(probe) {
    const trigger = probe.hasDangerousTrigger;
    const injection = probe.expandsUntrustedInputInRun;
    if (trigger.outcome === 'true' || injection.outcome === 'true') {
      const parts = present(
        trigger.outcome === 'true' ? 'a pull_request_target/workflow_run workflow checks out the untrusted head' : null,
        injection.outcome === 'true' ? 'a script expands attacker-controlled input' : null,
      );
      return result(id, 'fail', `${upperFirst(list(parts))}.`, [...trigger.findings, ...injection.findings].filter((finding) => !finding.message.startsWith('cannot read')));
    }
    const error = firstError(trigger, injection);
    if (error) return result(id, 'error', 'A workflow cannot be read, so it cannot be cleared.', error.findings);
    if (trigger.outcome === 'not-applicable' && injection.outcome === 'not-applicable') return result(id, 'not-applicable', 'The repository has no workflows.');
    const privileged = trigger.evidence.privilegedWorkflows.length;
    return result(
      id,
      'pass',
      privileged > 0
        ? `${privileged} workflow(s) use pull_request_target/workflow_run without touching untrusted code; no script expands untrusted input.`
        : 'No privileged trigger checks out untrusted code; no script expands untrusted input.',
    );
  },
});
