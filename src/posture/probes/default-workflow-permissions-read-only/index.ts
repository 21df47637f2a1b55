import { answer, yesNo, type OrgProbe, type ProbeMetadata } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'defaultWorkflowPermissionsReadOnly',
  question: "Is the org's default GITHUB_TOKEN permission for workflows read-only?",
  why: 'Every workflow without a `permissions:` block gets the default; read-only makes forgetting it harmless.',
  fix: 'Org settings → Actions → General → Workflow permissions → Read repository contents and packages permissions.',
  needs: 'api',
};

export const defaultWorkflowPermissionsReadOnly: OrgProbe = {
  metadata,
  run(facts) {
    const fact = facts.defaultWorkflowPermissions;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    const readOnly = fact.value === 'read';
    return answer(metadata.id, yesNo(readOnly), readOnly ? [] : [{ message: `${facts.org} gives workflows a read-write GITHUB_TOKEN by default`, fix: metadata.fix }]);
  },
};
