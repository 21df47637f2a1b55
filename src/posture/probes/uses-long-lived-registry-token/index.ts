import type { PostureFinding } from '../../types.js';
import { publishing } from '../common/publishing.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'usesLongLivedRegistryToken',
  question: 'Do the workflows (or the repository secrets) hold a long-lived PyPI or npm credential?',
  why: 'Stored registry tokens are the credential attackers look for in CI: with one they can publish a malicious release from anywhere.',
  fix: 'Move publishing to trusted publishing (OIDC) and delete the token secret from the repository and org settings.',
  needs: 'files',
};

const REGISTRY_SECRET_NAME = /pypi|twine|npm|node_auth/i;

export interface RegistryTokenEvidence {
  /** Names of the secrets that hold a registry credential, in code-point order. */
  readonly secrets: readonly string[];
}

export const usesLongLivedRegistryToken: RepoProbe<RegistryTokenEvidence> = {
  metadata,
  run(facts) {
    const { tokens } = publishing(facts);
    const findings: PostureFinding[] = tokens.map((token) => ({
      file: token.file,
      line: token.line,
      message: `${token.via} is set from secrets.${token.secret}, a long-lived registry credential`,
      fix: metadata.fix,
    }));
    const referenced = new Set(tokens.map((token) => token.secret));
    if (facts.secretNames.known) {
      for (const name of facts.secretNames.value) {
        if (REGISTRY_SECRET_NAME.test(name) && !referenced.has(name)) {
          findings.push({ message: `repository secret ${name} looks like a registry credential (unused by the workflows read)`, fix: metadata.fix });
          referenced.add(name);
        }
      }
    }
    return answer(metadata.id, findings.length > 0 ? 'true' : 'false', findings, { secrets: [...referenced].sort() });
  },
};
