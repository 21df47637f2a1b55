import { reasonOf, result } from './evaluation.js';
import { orgCheck } from './types.js';

const id = 'org-workflow-permissions';

export const orgWorkflowPermissions = orgCheck({
  id,
  title: 'Workflows get a read-only token by default',
  column: 'wf-default',
  risk: 'high',
  why: 'Workflows that declare no permissions get the organisation default; read-only makes that omission harmless.',
  fix: 'Organisation settings → Actions → General → Workflow permissions: read repository contents and packages permissions.',
  docsAnchor: `check-${id}`,
  probes: ['defaultWorkflowPermissionsReadOnly'],
  needs: ['api'],
  evaluate(probe) {
    const answer = probe.defaultWorkflowPermissionsReadOnly;
    if (answer.outcome === 'not-available') return result(id, 'not-available', `The default workflow permissions are unknown: ${reasonOf(answer)}.`);
    if (answer.outcome === 'true') return result(id, 'pass', 'Workflows get a read-only GITHUB_TOKEN by default.');
    return result(id, 'fail', 'Workflows get a read-write GITHUB_TOKEN by default.', answer.findings);
  },
});
