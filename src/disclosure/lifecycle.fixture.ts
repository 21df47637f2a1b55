/**
 * Test builders for the lifecycle, clocks, problems and status suites: one
 * advisory with every field set to something unremarkable, overridden per row.
 */
import type { AdvisoryObservation, AdvisoryState, DeskAdvisory, DeskPolicy } from './types.js';
import { DEFAULT_DESK_POLICY } from './policy.js';

export function deskAdvisory(overrides: Partial<DeskAdvisory> = {}): DeskAdvisory {
  return {
    id: 'GHSA-aaaa-bbbb-cccc',
    ghsaId: 'GHSA-aaaa-bbbb-cccc',
    cveId: null,
    owner: 'jupyter',
    repo: 'notebook',
    repositoryPublic: true,
    htmlUrl: 'https://github.example.test/jupyter/notebook/security/advisories/GHSA-aaaa-bbbb-cccc',
    summary: 'XSS in the file browser',
    description: null,
    state: 'draft',
    createdAt: '2026-03-01T10:00:00Z',
    updatedAt: '2026-03-01T10:00:00Z',
    publishedAt: null,
    closedAt: null,
    withdrawnAt: null,
    submissionAccepted: null,
    credits: [],
    collaboratingUsers: [],
    collaboratingTeams: [],
    author: 'maintainer-one',
    publisher: null,
    severity: 'high',
    cvss: [],
    cweIds: [],
    vulnerabilities: [{ ecosystem: 'pip', name: 'notebook', vulnerableVersionRange: '< 7.2.1', patchedVersions: '7.2.1', vulnerableFunctions: [] }],
    privateFork: null,
    references: [],
    origin: 'github-org',
    source: 'GET /orgs/jupyter/security-advisories',
    ...overrides,
  };
}

export function observed(observedAt: string, state: AdvisoryState, updatedAt = observedAt, advisoryId = 'GHSA-aaaa-bbbb-cccc'): AdvisoryObservation {
  return { advisoryId, observedAt, state, updatedAt };
}

export function deskPolicy(overrides: Partial<DeskPolicy> = {}): DeskPolicy {
  return { ...DEFAULT_DESK_POLICY, ...overrides };
}
