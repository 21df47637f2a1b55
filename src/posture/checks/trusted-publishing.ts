import { firstError, list, present, result } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'trusted-publishing';

export const trustedPublishing = repoCheck({
  id,
  title: 'Packages are published without long-lived tokens',
  column: 'trusted-pub',
  risk: 'high',
  why: 'A registry token stored as a secret can be stolen and used from anywhere; trusted publishing issues a short-lived token bound to this workflow.',
  fix: 'Configure a trusted publisher on PyPI/npm, give the publishing job `id-token: write` if it lacks it, drop password/token inputs and delete the secret.',
  docsAnchor: `check-${id}`,
  probes: ['publishesToPypi', 'publishesToNpm', 'usesTrustedPublishing', 'usesLongLivedRegistryToken'],
  needs: ['files'],
  evaluate(probe) {
    const pypi = probe.publishesToPypi;
    const npm = probe.publishesToNpm;
    const trusted = probe.usesTrustedPublishing;
    const token = probe.usesLongLivedRegistryToken;
    const registries = present(pypi.outcome === 'true' ? 'PyPI' : null, npm.outcome === 'true' ? 'npm' : null);
    const secrets = token.evidence.secrets;
    if (token.outcome === 'true') {
      if (trusted.outcome === 'true') {
        return result(id, 'partial', `Publishes to ${list(registries)} with OIDC/provenance, but a long-lived registry token (${list(secrets)}) is still stored.`, token.findings);
      }
      const trustedRegistries = (trusted.evidence.trusted ?? []).map((registry) => (registry === 'pypi' ? 'PyPI' : registry));
      const note = trustedRegistries.length > 0 ? ` (${list(trustedRegistries)} already uses trusted publishing)` : '';
      const where = registries.length > 0 ? `Publishes to ${list(registries)} with` : 'Workflows hold';
      return result(id, 'fail', `${where} a long-lived registry token (${list(secrets)})${note}.`, [...trusted.findings, ...token.findings]);
    }
    if (registries.length === 0) {
      const error = firstError(pypi, npm);
      if (error) return result(id, 'error', 'A workflow cannot be read, so publishing cannot be ruled out.', error.findings);
      return result(id, 'not-applicable', 'No workflow publishes to PyPI or npm.');
    }
    if (trusted.outcome === 'true') return result(id, 'pass', `Publishes to ${list(registries)} with trusted publishing (id-token: write, no stored token).`);
    return result(id, 'fail', `Publishes to ${list(registries)} without trusted publishing.`, trusted.findings);
  },
});
