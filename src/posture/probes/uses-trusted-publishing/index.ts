import type { PostureFinding } from '../../types.js';
import { publishing, type PublishPath, type Registry } from '../common/publishing.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'usesTrustedPublishing',
  question: 'Does every publishing step authenticate with a short-lived OIDC token (PyPI/npm trusted publishing, or npm provenance) instead of a stored credential?',
  why: 'A stored registry token can be stolen from CI or a laptop and used from anywhere until someone revokes it; an OIDC token lives minutes and only works from the configured workflow.',
  fix: 'Configure a trusted publisher on PyPI/npm for this workflow, give the publishing job `permissions: id-token: write` if it lacks it, and delete the token secret.',
  needs: 'files',
};

/** npm provenance also proves where a package was built, so it counts even where a token still authenticates the upload. */
function isTrusted(path: PublishPath): boolean {
  if (!path.oidc) return false;
  return path.tokens.length === 0 || (path.registry === 'npm' && path.provenance);
}

function describe(path: PublishPath): string {
  const registry = path.registry === 'pypi' ? 'PyPI' : 'npm';
  if (path.tokens.length > 0) {
    const secrets = [...new Set(path.tokens.map((token) => `secrets.${token.secret}`))].join(', ');
    return `job ${path.job} publishes to ${registry} (${path.how}) with a stored credential (${secrets})${path.oidc ? '' : ' and without `id-token: write`'}`;
  }
  return `job ${path.job} publishes to ${registry} (${path.how}) without \`id-token: write\`, so it cannot use trusted publishing; its credentials come from somewhere this check cannot see`;
}

/**
 * What this job needs, from what it has: a job that already holds `id-token: write` is not told to
 * add it (only the publisher to configure and the stored credential to drop).
 */
function fixFor(path: PublishPath): string {
  const registry = path.registry === 'pypi' ? 'PyPI' : 'npm';
  const secrets = [...new Set(path.tokens.map((token) => `secrets.${token.secret}`))];
  const dropSecrets = secrets.length > 0 ? `, stop passing ${secrets.join(', ')} to it and delete ${secrets.length === 1 ? 'that secret' : 'those secrets'}` : '';
  if (path.oidc) return `Job ${path.job} already has \`id-token: write\`: configure a trusted publisher on ${registry} for this workflow${dropSecrets}.`;
  return `Configure a trusted publisher on ${registry} for this workflow, give job ${path.job} \`permissions: id-token: write\`${dropSecrets}.`;
}

export interface TrustedPublishingEvidence {
  /** Registries the workflows publish to. */
  readonly publishes: readonly Registry[];
  /** Registries every publishing path to uses trusted publishing (absent when nothing is published). */
  readonly trusted?: readonly Registry[];
  readonly untrusted?: readonly Registry[];
}

export const usesTrustedPublishing: RepoProbe<TrustedPublishingEvidence> = {
  metadata,
  run(facts) {
    const { paths } = publishing(facts);
    if (paths.length === 0) return answer(metadata.id, 'not-applicable', [], { publishes: [] });
    const untrusted = paths.filter((path) => !isTrusted(path));
    const findings: PostureFinding[] = untrusted.map((path) => ({ file: path.file, line: path.line, message: describe(path), fix: fixFor(path) }));
    const evidence = {
      publishes: [...new Set(paths.map((path) => path.registry))],
      trusted: [...new Set(paths.filter(isTrusted).map((path) => path.registry))],
      untrusted: [...new Set(untrusted.map((path) => path.registry))],
    };
    return answer(metadata.id, untrusted.length === 0 ? 'true' : 'false', findings, evidence);
  },
};
