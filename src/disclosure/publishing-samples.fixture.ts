/**
 * Test data for the publishing side of the desk (credits, the pypa export,
 * the feed): DeskAdvisory values as the collector would normalise them from
 * GitHub's REST objects. Invented advisories; ids that look real are not.
 */
import type { DeskAdvisory } from './types.js';

/** A published advisory with everything filled in; `overrides` replace fields. */
export function deskAdvisory(overrides: Partial<DeskAdvisory> = {}): DeskAdvisory {
  const ghsaId = overrides.ghsaId === undefined ? 'GHSA-aaaa-bbbb-cccc' : overrides.ghsaId;
  const owner = overrides.owner ?? 'example-org';
  const repo = overrides.repo ?? 'example-server';
  return {
    id: ghsaId ?? 'MAIL-2026-001',
    ghsaId,
    cveId: 'CVE-2026-10001',
    owner,
    repo,
    repositoryPublic: true,
    htmlUrl: ghsaId === null ? null : `https://github.com/${owner}/${repo}/security/advisories/${ghsaId}`,
    summary: 'Open redirect in the login handler',
    description: '### Impact\nA crafted login link redirects to any site.\n\n### Patches\nFixed in 2.7.2.',
    state: 'published',
    createdAt: '2026-01-05T10:00:00Z',
    updatedAt: '2026-02-20T12:30:00Z',
    publishedAt: '2026-02-20T12:00:00Z',
    closedAt: null,
    withdrawnAt: null,
    submissionAccepted: true,
    credits: [
      { login: 'finder-one', type: 'finder', state: 'accepted' },
      { login: 'helper-two', type: 'remediation_developer', state: 'accepted' },
      { login: 'shy-person', type: 'reporter', state: 'declined' },
      { login: 'slow-person', type: 'analyst', state: 'pending' },
    ],
    collaboratingUsers: ['helper-two'],
    collaboratingTeams: [],
    author: 'maintainer',
    publisher: 'maintainer',
    severity: 'medium',
    cvss: [{ version: '3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', score: 6.1 }],
    cweIds: ['CWE-601'],
    vulnerabilities: [{ ecosystem: 'pip', name: 'example_server', vulnerableVersionRange: '< 2.7.2', patchedVersions: '2.7.2', vulnerableFunctions: [] }],
    privateFork: null,
    references: ['https://github.com/example-org/example-server/commit/290362593b2ffb23c59f8114d76f77875de4b925'],
    origin: 'github-org',
    source: 'GET /orgs/example-org/security-advisories',
    ...overrides,
  };
}
