import { describe, expect, it } from 'vitest';
import { ChainwatchError } from '../../core/errors.js';
import { parseRepositoryAdvisory, repositoryOfAdvisoryUrl, RepositoryAdvisorySchema, toDeskAdvisory, utcDateTime } from './schema.js';

const GHSA = 'GHSA-2x5q-hc8p-v4rf';

const user = (login: string) => ({ login, id: 1, type: 'User', site_admin: false, url: `https://api.github.test/users/${login}` });

/** A repository advisory shaped as GitHub's REST API returns it (OpenAPI `repository-advisory`), with a field GitHub might add. */
function restAdvisory(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ghsa_id: GHSA,
    cve_id: 'CVE-2026-21001',
    url: `https://api.github.com/repos/desk-lab/server/security-advisories/${GHSA}`,
    html_url: `https://github.com/desk-lab/server/security/advisories/${GHSA}`,
    summary: 'Token leak in debug log',
    description: '### Impact\nThe debug log shows the token.',
    severity: 'medium',
    author: user('desk-lab-owner'),
    publisher: user('desk-lab-owner'),
    identifiers: [
      { type: 'GHSA', value: GHSA },
      { type: 'CVE', value: 'CVE-2026-21001' },
    ],
    state: 'published',
    created_at: '2026-01-10T12:00:00Z',
    updated_at: '2026-02-01T16:30:00Z',
    published_at: '2026-02-01T16:30:00Z',
    closed_at: null,
    withdrawn_at: null,
    submission: { accepted: true },
    vulnerabilities: [
      { package: { ecosystem: 'pip', name: 'desk-server' }, vulnerable_version_range: '< 2.1.0', patched_versions: '2.1.0', vulnerable_functions: ['debug_log'] },
    ],
    cvss: { vector_string: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', score: 5.3 },
    cvss_severities: { cvss_v3: { vector_string: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', score: 5.3 }, cvss_v4: null },
    cwes: [{ cwe_id: 'CWE-532', name: 'Insertion of Sensitive Information into Log File' }],
    cwe_ids: ['CWE-532'],
    credits: [{ login: 'finder-three', type: 'finder' }],
    credits_detailed: [
      { user: user('finder-three'), type: 'finder', state: 'accepted' },
      { user: user('quiet-reporter'), type: 'reporter', state: 'declined' },
    ],
    collaborating_users: [user('desk-lab-dev')],
    collaborating_teams: [{ id: 7, slug: 'security', name: 'Security' }],
    private_fork: { id: 9, full_name: 'desk-lab/server-ghsa-2x5q-hc8p-v4rf', private: true },
    a_field_github_added_later: { anything: true },
    ...overrides,
  };
}

describe('toDeskAdvisory', () => {
  it('normalises GitHub\'s object: repository from the url, people as logins, CVSS, CWE, packages', () => {
    const parsed = RepositoryAdvisorySchema.parse(restAdvisory());
    expect(toDeskAdvisory(parsed, 'github-org', 'GET /orgs/desk-lab/security-advisories', true)).toEqual({
      id: GHSA,
      ghsaId: GHSA,
      cveId: 'CVE-2026-21001',
      owner: 'desk-lab',
      repo: 'server',
      repositoryPublic: true,
      htmlUrl: `https://github.com/desk-lab/server/security/advisories/${GHSA}`,
      summary: 'Token leak in debug log',
      description: '### Impact\nThe debug log shows the token.',
      state: 'published',
      createdAt: '2026-01-10T12:00:00Z',
      updatedAt: '2026-02-01T16:30:00Z',
      publishedAt: '2026-02-01T16:30:00Z',
      closedAt: null,
      withdrawnAt: null,
      submissionAccepted: true,
      credits: [
        { login: 'finder-three', type: 'finder', state: 'accepted' },
        { login: 'quiet-reporter', type: 'reporter', state: 'declined' },
      ],
      collaboratingUsers: ['desk-lab-dev'],
      collaboratingTeams: ['security'],
      author: 'desk-lab-owner',
      publisher: 'desk-lab-owner',
      severity: 'medium',
      cvss: [{ version: '3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', score: 5.3 }],
      cweIds: ['CWE-532'],
      vulnerabilities: [{ ecosystem: 'pip', name: 'desk-server', vulnerableVersionRange: '< 2.1.0', patchedVersions: '2.1.0', vulnerableFunctions: ['debug_log'] }],
      privateFork: 'desk-lab/server-ghsa-2x5q-hc8p-v4rf',
      references: [],
      origin: 'github-org',
      source: 'GET /orgs/desk-lab/security-advisories',
    });
  });

  const cases: { name: string; overrides: Record<string, unknown>; expected: Record<string, unknown> }[] = [
    {
      name: 'a triage report: nullable fields null, lists null',
      overrides: {
        state: 'triage',
        cve_id: null,
        severity: null,
        published_at: null,
        submission: { accepted: false },
        credits_detailed: null,
        collaborating_users: null,
        collaborating_teams: null,
        vulnerabilities: null,
        cwe_ids: null,
        cwes: null,
        cvss: null,
        cvss_severities: null,
        private_fork: null,
        publisher: null,
      },
      expected: { state: 'triage', cveId: null, severity: null, submissionAccepted: false, credits: [], collaboratingUsers: [], collaboratingTeams: [], vulnerabilities: [], cweIds: [], cvss: [], privateFork: null, publisher: null },
    },
    { name: 'no submission: a maintainer drafted it', overrides: { submission: null, state: 'draft' }, expected: { submissionAccepted: null } },
    { name: 'fields left out entirely (a trimmed file)', overrides: { submission: undefined, credits_detailed: undefined, cvss_severities: undefined, cvss: undefined }, expected: { submissionAccepted: null, credits: [], cvss: [] } },
    { name: 'offsets become UTC, fractions are dropped', overrides: { created_at: '2026-01-10T14:00:00.123+02:00', updated_at: '2026-02-01T16:30:00-05:00' }, expected: { createdAt: '2026-01-10T12:00:00Z', updatedAt: '2026-02-01T21:30:00Z' } },
    { name: 'no updated_at: created_at stands for it', overrides: { updated_at: null }, expected: { updatedAt: '2026-01-10T12:00:00Z' } },
    {
      name: 'only the deprecated cvss: read as v3 or v4 by its vector',
      overrides: { cvss_severities: null, cvss: { vector_string: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N', score: 8.7 } },
      expected: { cvss: [{ version: '4', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N', score: 8.7 }] },
    },
    {
      name: 'both CVSS versions, v3 first',
      overrides: { cvss_severities: { cvss_v3: { vector_string: 'CVSS:3.1/AV:L', score: null }, cvss_v4: { vector_string: 'CVSS:4.0/AV:L', score: 4.1 } } },
      expected: { cvss: [{ version: '3', vector: 'CVSS:3.1/AV:L', score: null }, { version: '4', vector: 'CVSS:4.0/AV:L', score: 4.1 }] },
    },
    { name: 'cwe_ids absent: taken from cwes', overrides: { cwe_ids: null, cwes: [{ cwe_id: 'CWE-79', name: 'XSS' }] }, expected: { cweIds: ['CWE-79'] } },
    { name: 'a GitHub Enterprise Server url', overrides: { url: `https://ghe.example.test/api/v3/repos/Desk-Lab/Server.py/security-advisories/${GHSA}` }, expected: { owner: 'Desk-Lab', repo: 'Server.py' } },
    { name: 'references a file may carry', overrides: { references: ['https://example.test/a', { url: 'https://example.test/b' }] }, expected: { references: ['https://example.test/a', 'https://example.test/b'] } },
    { name: 'a package without a name', overrides: { vulnerabilities: [{ package: { ecosystem: 'other', name: null }, vulnerable_version_range: null, patched_versions: null, vulnerable_functions: null }] }, expected: { vulnerabilities: [{ ecosystem: 'other', name: null, vulnerableVersionRange: null, patchedVersions: null, vulnerableFunctions: [] }] } },
  ];
  it.each(cases)('$name', ({ overrides, expected }) => {
    const parsed = parseRepositoryAdvisory(restAdvisory(overrides), 'file', 'x.json', null);
    expect(parsed.ok ? parsed.value : parsed.error.message).toMatchObject(expected);
  });

  const invalid: { name: string; overrides: Record<string, unknown>; message: RegExp }[] = [
    { name: 'a url of another shape', overrides: { url: 'https://api.github.com/advisories/GHSA-2x5q-hc8p-v4rf' }, message: /does not have the form …\/repos\/\{owner\}\/\{repo\}\/security-advisories\/\{ghsa_id\}/ },
    { name: 'a url naming another advisory', overrides: { url: 'https://api.github.com/repos/a/b/security-advisories/GHSA-xxxx-xxxx-xxxx' }, message: /url names another advisory/ },
    { name: 'a url that is no URL', overrides: { url: 'repos/a/b' }, message: /is not a URL/ },
    { name: 'no created_at', overrides: { created_at: null }, message: /no created_at/ },
    { name: 'a date without a time zone', overrides: { published_at: '2026-02-01T16:30:00' }, message: /published_at "2026-02-01T16:30:00" is not an ISO 8601 date-time with a time zone/ },
    { name: 'a state GitHub does not have', overrides: { state: 'accepted' }, message: /state: / },
    { name: 'a collaborator without a login (never dropped: enforce would remove them)', overrides: { collaborating_users: [{ id: 3 }] }, message: /collaborating_users\.0\.login/ },
    { name: 'a GHSA id of another form', overrides: { ghsa_id: 'GHSA-1111-1111-1111' }, message: /not a GHSA id/ },
    { name: 'a CVE id of another form', overrides: { cve_id: 'CVE-26-1' }, message: /not a CVE id/ },
  ];
  it.each(invalid)('refuses $name as an invalid-advisory error', ({ overrides, message }) => {
    const parsed = parseRepositoryAdvisory(restAdvisory(overrides), 'file', 'x.json', null);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toBeInstanceOf(ChainwatchError);
    expect(parsed.error.code).toBe('invalid-advisory');
    expect(parsed.error.message).toMatch(message);
  });

  it('toDeskAdvisory itself throws the named error for a url it cannot read', () => {
    const parsed = RepositoryAdvisorySchema.parse(restAdvisory({ url: 'https://api.github.com/repos/a/security-advisories/x' }));
    expect(() => toDeskAdvisory(parsed, 'github-repo', 'x', null)).toThrow(expect.objectContaining({ code: 'invalid-advisory' }));
  });

  it('repositoryOfAdvisoryUrl decodes escaped segments and accepts a trailing slash', () => {
    const found = repositoryOfAdvisoryUrl(`https://api.github.com/repos/desk%2Dlab/my.repo/security-advisories/${GHSA}/`, GHSA);
    expect(found.ok && found.value).toEqual({ owner: 'desk-lab', repo: 'my.repo' });
  });
});

describe('utcDateTime', () => {
  it.each([
    ['2026-01-10T12:00:00Z', '2026-01-10T12:00:00Z'],
    ['2026-01-10t12:00:00z', '2026-01-10T12:00:00Z'],
    ['2026-01-10T12:00Z', '2026-01-10T12:00:00Z'],
    ['2026-01-10 12:00:00+0130', '2026-01-10T10:30:00Z'],
    ['2026-01-01T01:00:00+02:00', '2025-12-31T23:00:00Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59Z'],
    ['2026-02-29T00:00:00Z', null],
    ['2026-13-01T00:00:00Z', null],
    ['2026-01-10T24:00:00Z', null],
    ['2026-01-10T12:00:00', null],
    ['2026-01-10', null],
    ['yesterday', null],
  ])('%s → %s', (text, expected) => {
    expect(utcDateTime(text)).toBe(expected);
  });

  it('takes a bare date as midnight UTC only when asked', () => {
    expect(utcDateTime('2028-02-29', { dateOnly: true })).toBe('2028-02-29T00:00:00Z');
    expect(utcDateTime('2027-02-29', { dateOnly: true })).toBeNull();
  });
});
