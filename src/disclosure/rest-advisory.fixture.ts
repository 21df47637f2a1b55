/**
 * A repository security advisory as GitHub's REST API returns it (the fields
 * the desk reads), for tests that write `--from-dir` files. Invented values.
 */
export function restAdvisory(ghsaId: string, overrides: Record<string, unknown> = {}, repository = 'desk-lab/server'): Record<string, unknown> {
  return {
    ghsa_id: ghsaId,
    cve_id: null,
    url: `https://api.github.test/repos/${repository}/security-advisories/${ghsaId}`,
    html_url: `https://github.test/${repository}/security/advisories/${ghsaId}`,
    summary: `File advisory ${ghsaId}`,
    description: 'Read from a file.',
    severity: 'low',
    state: 'draft',
    created_at: '2026-11-20T09:00:00Z',
    updated_at: '2026-11-20T09:00:00Z',
    published_at: null,
    closed_at: null,
    withdrawn_at: null,
    submission: null,
    credits_detailed: [],
    collaborating_users: [{ login: 'file-dev' }],
    collaborating_teams: [],
    author: { login: 'file-author' },
    publisher: null,
    vulnerabilities: [],
    ...overrides,
  };
}
