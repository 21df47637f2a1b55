import type { PostureFinding } from '../../types.js';
import { scopeLine, writeScopes } from '../common/actions.js';
import { repoWorkflows } from '../common/workflows.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'topLevelPermissionsReadOnly',
  question: 'Are the top-level `permissions:` that workflows declare read-only (or empty)?',
  why: 'Top-level permissions apply to every job, including the ones that run third-party code; a write scope there hands it to all of them.',
  fix: 'Make the top level `permissions: {}` or `contents: read`, and move each write scope to the job that needs it.',
  needs: 'files',
};

export interface TopLevelPermissionsEvidence {
  /** Workflows that declare top-level permissions. */
  readonly declared: number;
  /** Workflows whose top level grants a write scope (or cannot be read). */
  readonly writable: readonly string[];
}

export const topLevelPermissionsReadOnly: RepoProbe<TopLevelPermissionsEvidence> = {
  metadata,
  run(facts) {
    const { workflows, errors } = repoWorkflows(facts);
    const declared = workflows.filter((workflow) => workflow.permissions !== null);
    const findings: PostureFinding[] = [];
    for (const workflow of declared) {
      const permissions = workflow.permissions!;
      if (permissions.kind === 'unknown') {
        findings.push({ file: workflow.path, line: permissions.line, message: `top-level \`permissions:\` has a value that cannot be read (${permissions.text || 'empty'})`, fix: metadata.fix });
        continue;
      }
      for (const scope of writeScopes(permissions)) {
        findings.push({
          file: workflow.path,
          line: scopeLine(permissions, scope),
          message: scope === '*' ? 'top-level `permissions: write-all`' : `top-level \`${scope}: write\` applies to every job`,
          fix: metadata.fix,
        });
      }
    }
    const evidence = { declared: declared.length, writable: [...new Set(findings.map((finding) => finding.file!))] };
    if (findings.length > 0) return answer(metadata.id, 'false', [...findings, ...errors], evidence);
    if (errors.length > 0) return answer(metadata.id, 'error', errors, evidence);
    if (declared.length === 0) return answer(metadata.id, 'not-applicable', [], evidence);
    return answer(metadata.id, 'true', [], evidence);
  },
};
