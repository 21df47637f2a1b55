import { firstError, list, present, result, upperFirst } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'token-permissions';

export const tokenPermissions = repoCheck({
  id,
  title: 'Workflow tokens are read-only by default',
  column: 'token-perms',
  risk: 'high',
  why: 'A workflow without top-level permissions gets the repository default, often write to everything; a compromised step can then push code or releases.',
  fix: 'Add top-level `permissions: contents: read` (or `{}`) and grant write scopes only on the jobs that need them (`chainwatch fix token-permissions`).',
  docsAnchor: `check-${id}`,
  probes: ['workflowsDeclareTopLevelPermissions', 'topLevelPermissionsReadOnly', 'writePermissionsOnlyOnJobsThatNeedThem'],
  needs: ['files'],
  evaluate(probe) {
    const declared = probe.workflowsDeclareTopLevelPermissions;
    const readOnly = probe.topLevelPermissionsReadOnly;
    const jobs = probe.writePermissionsOnlyOnJobsThatNeedThem;
    if (declared.outcome === 'not-applicable') return result(id, 'not-applicable', 'The repository has no workflows.');
    if (declared.outcome === 'false' || readOnly.outcome === 'false') {
      const undeclared = declared.evidence.undeclared.length;
      const writable = readOnly.evidence.writable.length;
      const total = declared.evidence.workflows;
      const parts = present(
        undeclared > 0 ? `${undeclared} of ${total} workflows declare no top-level permissions` : null,
        writable > 0 ? `${writable}${undeclared > 0 ? '' : ` of ${total} workflows`} grant write scopes at the top level` : null,
      );
      return result(id, 'fail', `${upperFirst(list(parts))}.`, [...declared.findings, ...readOnly.findings, ...jobs.findings]);
    }
    const error = firstError(declared, readOnly, jobs);
    if (error) return result(id, 'error', 'A workflow cannot be read, so its permissions cannot be confirmed.', error.findings);
    if (jobs.outcome === 'false') {
      return result(id, 'partial', `Top-level permissions are read-only, but ${jobs.evidence.unneeded} job write scope(s) are not used by their jobs.`, jobs.findings);
    }
    return result(id, 'pass', 'Every workflow declares read-only top-level permissions; write scopes sit on the jobs that use them.');
  },
});
