import { publishing, type PublishingEvidence } from '../common/publishing.js';
import { repoWorkflows } from '../common/workflows.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'publishesToNpm',
  question: 'Does a workflow publish packages to npm (npm/yarn/pnpm/lerna publish, jupyter_releaser with npm packages)?',
  why: 'Publishing workflows are where registry credentials live; the trusted-publishing check applies only to repositories that publish.',
  fix: 'Nothing to fix: this probe tells the trusted-publishing check whether it applies.',
  needs: 'files',
};

export const publishesToNpm: RepoProbe<PublishingEvidence> = {
  metadata,
  run(facts) {
    const paths = publishing(facts).paths.filter((path) => path.registry === 'npm');
    const evidence = { workflows: [...new Set(paths.map((path) => path.file))], how: [...new Set(paths.map((path) => path.how))] };
    if (paths.length > 0) return answer(metadata.id, 'true', [], evidence);
    const { errors } = repoWorkflows(facts);
    if (errors.length > 0) return answer(metadata.id, 'error', errors, evidence);
    return answer(metadata.id, 'false', [], evidence);
  },
};
