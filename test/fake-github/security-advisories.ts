/**
 * The fake's repository security advisories and issue comments, as GitHub
 * serves them (OpenAPI `security-advisories/*`, `issues/create-comment`):
 *   - `GET /orgs/{org}/security-advisories`: org owners and security managers
 *     only; anyone else gets the org's `advisoryRefusal` (404, as GitHub
 *     answers a token without the role; 403 for a fine-grained token without
 *     the permission);
 *   - `GET /repos/{owner}/{repo}/security-advisories`: every advisory for an
 *     owner, a security manager or a repository manager; for anyone else the
 *     published (and withdrawn) ones and those they collaborate on, are credited
 *     in or wrote; the repository's `advisoriesRefused` for every token;
 *   - both lists: cursor pages (`after`/`before`, `per_page` ≤ 100, default
 *     30), `Link` with `next`/`prev`, `sort` (created, updated, published),
 *     `direction`, `state`;
 *   - `GET|PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}`: 404 for
 *     an advisory the token may not see, 403 for a PATCH by someone who may see
 *     but not edit it, 422 for unknown users or teams, unknown fields or a
 *     state GitHub does not allow;
 *   - `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`: 404 for an
 *     unknown issue (or a private repository the login is not in), 403 on an
 *     archived repository, 422 without a body; kept in `issueComments`.
 */
import { sha1, type FakeAdvisory, type FakeOrg, type FakeRepo } from './model.js';

export interface FakeIssueComment {
  id: number;
  owner: string;
  repo: string;
  issue: number;
  body: string;
  /** Who posted it (the token's login). */
  login: string;
  createdAt: string;
}

export interface FakeAdvisoryPatch {
  owner: string;
  repo: string;
  ghsaId: string;
  login: string;
  body: Record<string, unknown>;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  links?: Record<string, string>;
}

type Handler = (context: { params: Record<string, string>; query: URLSearchParams; body: unknown; identity: string | null }) => Answer;

export interface AdvisoryRouteContext {
  route(method: string, template: string, handler: Handler): void;
  base(): string;
  org(login: string): FakeOrg | undefined;
  now(): number;
  /** Logins of the tokens the server accepts (and any listed in the options' `users`). */
  tokenLogins: readonly string[];
  error(status: number, message: string, documentation?: string): Answer;
  simpleUser(base: string, login: string, id: number): Record<string, unknown>;
}

const ADVISORY_DOCS = 'https://docs.github.com/rest/security-advisories/repository-advisories';
const UPDATABLE = new Set(['summary', 'description', 'cve_id', 'vulnerabilities', 'cwe_ids', 'credits', 'severity', 'cvss_vector_string', 'state', 'collaborating_users', 'collaborating_teams']);

export function registerAdvisoryRoutes(context: AdvisoryRouteContext): { issueComments: FakeIssueComment[]; advisoryPatches: FakeAdvisoryPatch[] } {
  const { route, error } = context;
  const issueComments: FakeIssueComment[] = [];
  const advisoryPatches: FakeAdvisoryPatch[] = [];
  const userId = (login: string): number => Number.parseInt(sha1(login).slice(0, 7), 16);
  const user = (login: string) => context.simpleUser(context.base(), login, userId(login));
  const iso = (milliseconds: number): string => new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');

  const orgWide = (org: FakeOrg, login: string | null): boolean =>
    login !== null && (org.members.some((member) => member.login === login && member.role === 'ADMIN') || (org.securityManagers ?? []).includes(login));
  const manages = (org: FakeOrg, repo: FakeRepo, login: string | null): boolean => orgWide(org, login) || (login !== null && (repo.advisoryManagers ?? []).includes(login));
  const involved = (advisory: FakeAdvisory, login: string | null): boolean =>
    login !== null && (advisory.collaboratingUsers.includes(login) || advisory.author === login || advisory.credits.some((credit) => credit.login === login));
  const visible = (org: FakeOrg, repo: FakeRepo, advisory: FakeAdvisory, login: string | null): boolean =>
    manages(org, repo, login) || advisory.state === 'published' || advisory.state === 'withdrawn' || involved(advisory, login);

  const located = (owner: string, name: string): { org: FakeOrg; repo: FakeRepo } | null => {
    const org = context.org(owner);
    const repo = org?.repo(name);
    return org && repo ? { org, repo } : null;
  };

  // ------------------------------------------------------------ JSON shapes

  const team = (org: FakeOrg, slug: string): Record<string, unknown> => {
    const id = userId(`${org.login}/${slug}`);
    const api = `${context.base()}/organizations/${org.databaseId}/team/${id}`;
    return {
      id,
      node_id: Buffer.from(`Team:${id}`).toString('base64'),
      url: api,
      html_url: `https://github.test/orgs/${org.login}/teams/${slug}`,
      name: slug,
      slug,
      description: null,
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      permission: 'pull',
      members_url: `${api}/members{/member}`,
      repositories_url: `${api}/repos`,
      parent: null,
      type: 'organization',
    };
  };

  const simpleRepository = (owner: string, name: string): Record<string, unknown> => {
    const api = `${context.base()}/repos/${owner}/${name}`;
    const id = userId(`${owner}/${name}`);
    const urls: Record<string, string> = {};
    for (const key of [
      'archive', 'assignees', 'blobs', 'branches', 'collaborators', 'comments', 'commits', 'compare', 'contents', 'contributors', 'deployments', 'downloads',
      'events', 'forks', 'git_commits', 'git_refs', 'git_tags', 'hooks', 'issue_comment', 'issue_events', 'issues', 'keys', 'labels', 'languages', 'merges',
      'milestones', 'notifications', 'pulls', 'releases', 'stargazers', 'statuses', 'subscribers', 'subscription', 'tags', 'teams', 'trees',
    ]) {
      urls[`${key}_url`] = `${api}/${key.replace(/_/g, '/')}`;
    }
    return {
      id,
      node_id: Buffer.from(`Repository:${id}`).toString('base64'),
      name,
      full_name: `${owner}/${name}`,
      owner: user(owner),
      private: true,
      html_url: `https://github.test/${owner}/${name}`,
      description: null,
      fork: true,
      url: api,
      ...urls,
    };
  };

  const advisoryJson = (org: FakeOrg, repo: FakeRepo, advisory: FakeAdvisory): Record<string, unknown> => {
    const v3 = advisory.cvssV3 ? { vector_string: advisory.cvssV3.vector, score: advisory.cvssV3.score } : null;
    const v4 = advisory.cvssV4 ? { vector_string: advisory.cvssV4.vector, score: advisory.cvssV4.score } : null;
    return {
      ghsa_id: advisory.ghsaId,
      cve_id: advisory.cveId,
      url: `${context.base()}/repos/${repo.owner}/${repo.name}/security-advisories/${advisory.ghsaId}`,
      html_url: `https://github.test/${repo.owner}/${repo.name}/security/advisories/${advisory.ghsaId}`,
      summary: advisory.summary,
      description: advisory.description,
      severity: advisory.severity,
      author: advisory.author === null ? null : user(advisory.author),
      publisher: advisory.publisher === null ? null : user(advisory.publisher),
      identifiers: [{ type: 'GHSA', value: advisory.ghsaId }, ...(advisory.cveId ? [{ type: 'CVE', value: advisory.cveId }] : [])],
      state: advisory.state,
      created_at: advisory.createdAt,
      updated_at: advisory.updatedAt,
      published_at: advisory.publishedAt,
      closed_at: advisory.closedAt,
      withdrawn_at: advisory.withdrawnAt,
      submission: advisory.submission,
      vulnerabilities: advisory.vulnerabilities.map((vulnerability) => ({
        package: { ecosystem: vulnerability.ecosystem, name: vulnerability.name },
        vulnerable_version_range: vulnerability.vulnerableVersionRange,
        patched_versions: vulnerability.patchedVersions,
        vulnerable_functions: vulnerability.vulnerableFunctions,
      })),
      cvss: v3 ?? { vector_string: null, score: null },
      cvss_severities: { cvss_v3: v3, cvss_v4: v4 },
      cwes: advisory.cweIds.map((id) => ({ cwe_id: id, name: `Weakness ${id}` })),
      cwe_ids: advisory.cweIds,
      credits: advisory.credits.map((credit) => ({ login: credit.login, type: credit.type })),
      credits_detailed: advisory.credits.map((credit) => ({ user: user(credit.login), type: credit.type, state: credit.state })),
      collaborating_users: advisory.collaboratingUsers.map(user),
      collaborating_teams: advisory.collaboratingTeams.map((slug) => team(org, slug)),
      private_fork: advisory.privateFork ? simpleRepository(repo.owner, `${repo.name}-${advisory.ghsaId.toLowerCase()}`) : null,
    };
  };

  // ------------------------------------------------------------ lists

  const cursorOf = (ghsaId: string): string => Buffer.from(`cursor:v2:${ghsaId}`).toString('base64url');
  const ghsaOfCursor = (cursor: string): string | null => /^cursor:v2:(GHSA-[\w-]+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))?.[1] ?? null;

  /** Sorted, filtered, one cursor page of `items`, with GitHub's Link relations. */
  const cursorPage = (path: string, query: URLSearchParams, items: { org: FakeOrg; repo: FakeRepo; advisory: FakeAdvisory }[]): Answer => {
    const sort = query.get('sort') ?? 'created';
    const direction = query.get('direction') ?? 'desc';
    if (!['created', 'updated', 'published'].includes(sort) || !['asc', 'desc'].includes(direction)) return error(400, 'Invalid sort or direction', ADVISORY_DOCS);
    const state = query.get('state');
    if (state !== null && !['triage', 'draft', 'published', 'closed'].includes(state)) return error(400, `Invalid state: ${state}`, ADVISORY_DOCS);
    const key = (advisory: FakeAdvisory): string => (sort === 'updated' ? advisory.updatedAt : sort === 'published' ? (advisory.publishedAt ?? '') : advisory.createdAt);
    const sorted = items
      .filter((item) => state === null || item.advisory.state === state)
      .sort((a, b) => {
        const order = key(a.advisory) < key(b.advisory) ? -1 : key(a.advisory) > key(b.advisory) ? 1 : a.advisory.ghsaId < b.advisory.ghsaId ? -1 : 1;
        return direction === 'asc' ? order : -order;
      });
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
    const indexOf = (cursor: string): number => {
      const ghsa = ghsaOfCursor(cursor);
      return ghsa === null ? -1 : sorted.findIndex((item) => item.advisory.ghsaId === ghsa);
    };
    let start = 0;
    let end = perPage;
    const after = query.get('after');
    const before = query.get('before');
    if (after) {
      const index = indexOf(after);
      if (index < 0) return error(400, 'Invalid cursor', ADVISORY_DOCS);
      start = index + 1;
      end = start + perPage;
    } else if (before) {
      const index = indexOf(before);
      if (index < 0) return error(400, 'Invalid cursor', ADVISORY_DOCS);
      end = index;
      start = Math.max(0, end - perPage);
    }
    end = Math.min(end, sorted.length);
    const page = sorted.slice(start, end);
    const link = (relation: 'after' | 'before', ghsaId: string): string => {
      const next = new URLSearchParams(query);
      next.delete('after');
      next.delete('before');
      next.set(relation, cursorOf(ghsaId));
      return `${context.base()}${path}?${next.toString()}`;
    };
    const links: Record<string, string> = {};
    if (end < sorted.length && page.length > 0) links.next = link('after', page[page.length - 1]!.advisory.ghsaId);
    if (start > 0 && page.length > 0) links.prev = link('before', page[0]!.advisory.ghsaId);
    return { status: 200, body: page.map((item) => advisoryJson(item.org, item.repo, item.advisory)), links };
  };

  route('GET', '/orgs/{org}/security-advisories', ({ params, query, identity }) => {
    const org = context.org(params.org!);
    if (!org) return error(404, 'Not Found', ADVISORY_DOCS);
    if (!orgWide(org, identity)) {
      return (org.advisoryRefusal ?? 404) === 403 ? error(403, 'Resource not accessible by personal access token', ADVISORY_DOCS) : error(404, 'Not Found', ADVISORY_DOCS);
    }
    const items: { org: FakeOrg; repo: FakeRepo; advisory: FakeAdvisory }[] = [];
    for (const name of org.repoNames()) {
      const repo = org.repo(name);
      if (repo?.advisories) for (const advisory of repo.advisories) items.push({ org, repo, advisory });
    }
    return cursorPage(`/orgs/${org.login}/security-advisories`, query, items);
  });

  route('GET', '/repos/{owner}/{repo}/security-advisories', ({ params, query, identity }) => {
    const found = located(params.owner!, params.repo!);
    if (!found) return error(404, 'Not Found', ADVISORY_DOCS);
    const { org, repo } = found;
    if (repo.advisoriesRefused) return error(repo.advisoriesRefused, repo.advisoriesRefused === 403 ? 'Resource not accessible by personal access token' : 'Not Found', ADVISORY_DOCS);
    const items = (repo.advisories ?? []).filter((advisory) => visible(org, repo, advisory, identity)).map((advisory) => ({ org, repo, advisory }));
    return cursorPage(`/repos/${repo.owner}/${repo.name}/security-advisories`, query, items);
  });

  const findAdvisory = (params: Record<string, string>, identity: string | null): { org: FakeOrg; repo: FakeRepo; advisory: FakeAdvisory } | Answer => {
    const found = located(params.owner!, params.repo!);
    if (!found) return error(404, 'Not Found', ADVISORY_DOCS);
    if (found.repo.advisoriesRefused) return error(found.repo.advisoriesRefused, found.repo.advisoriesRefused === 403 ? 'Resource not accessible by personal access token' : 'Not Found', ADVISORY_DOCS);
    const advisory = (found.repo.advisories ?? []).find((candidate) => candidate.ghsaId.toLowerCase() === params.ghsa_id!.toLowerCase());
    if (!advisory || !visible(found.org, found.repo, advisory, identity)) return error(404, 'Not Found', ADVISORY_DOCS);
    return { ...found, advisory };
  };

  route('GET', '/repos/{owner}/{repo}/security-advisories/{ghsa_id}', ({ params, identity }) => {
    const found = findAdvisory(params, identity);
    return 'status' in found ? found : { status: 200, body: advisoryJson(found.org, found.repo, found.advisory) };
  });

  route('PATCH', '/repos/{owner}/{repo}/security-advisories/{ghsa_id}', ({ params, body, identity }) => {
    const found = findAdvisory(params, identity);
    if ('status' in found) return found;
    const { org, repo, advisory } = found;
    if (!manages(org, repo, identity) && !(identity !== null && advisory.collaboratingUsers.includes(identity))) {
      return error(403, 'You must be an admin or security manager of this repository, or a collaborator on the advisory, to edit it.', ADVISORY_DOCS);
    }
    const invalid = (field: string, message: string): Answer => ({
      status: 422,
      body: { message: 'Validation Failed', documentation_url: ADVISORY_DOCS, errors: [{ resource: 'RepositoryAdvisory', field, code: 'invalid', message }] },
    });
    if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: ADVISORY_DOCS } };
    const patch = body as Record<string, unknown>;
    for (const key of Object.keys(patch)) if (!UPDATABLE.has(key)) return invalid(key, `${key} is not a field of a repository advisory update`);
    const knownUsers = new Set<string>(context.tokenLogins);
    for (const member of org.members) knownUsers.add(member.login);
    for (const login of [...(org.securityManagers ?? []), ...(Array.isArray(org.outsideCollaborators) ? org.outsideCollaborators : []), ...(repo.advisoryManagers ?? [])]) knownUsers.add(login);
    for (const login of [...advisory.collaboratingUsers, ...advisory.credits.map((credit) => credit.login), advisory.author ?? '']) if (login) knownUsers.add(login);
    const strings = (value: unknown): string[] | null => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : null);
    let users: string[] | undefined;
    let teams: string[] | undefined;
    if ('collaborating_users' in patch && patch.collaborating_users !== null) {
      users = strings(patch.collaborating_users) ?? undefined;
      if (!users) return invalid('collaborating_users', 'must be a list of logins');
      const unknown = users.find((login) => !knownUsers.has(login));
      if (unknown) return invalid('collaborating_users', `Could not find user: ${unknown}`);
    }
    if ('collaborating_teams' in patch && patch.collaborating_teams !== null) {
      teams = strings(patch.collaborating_teams) ?? undefined;
      if (!teams) return invalid('collaborating_teams', 'must be a list of team slugs');
      const unknown = teams.find((slug) => !(org.teams ?? []).includes(slug));
      if (unknown) return invalid('collaborating_teams', `Could not find team ${unknown} in ${org.login}`);
    }
    if ('state' in patch) {
      const state = patch.state;
      if (state !== 'published' && state !== 'closed' && state !== 'draft') return invalid('state', 'must be published, closed or draft');
      if (advisory.state === 'published' && state !== 'published') return { status: 422, body: { message: `Invalid state transition from \`published\` to \`${state}\`.`, documentation_url: ADVISORY_DOCS } };
    }
    if ('severity' in patch && patch.severity !== null && !['critical', 'high', 'medium', 'low'].includes(patch.severity as string)) return invalid('severity', 'is not a severity');
    if ('cve_id' in patch && patch.cve_id !== null && (typeof patch.cve_id !== 'string' || !/^CVE-\d{4}-\d{4,}$/.test(patch.cve_id))) return invalid('cve_id', 'is not a CVE id');
    // Applied only once every field passed: a refused PATCH changes nothing.
    const at = iso(context.now());
    if (users) advisory.collaboratingUsers = [...users];
    if (patch.collaborating_users === null) advisory.collaboratingUsers = [];
    if (teams) advisory.collaboratingTeams = [...teams];
    if (patch.collaborating_teams === null) advisory.collaboratingTeams = [];
    if (typeof patch.summary === 'string') advisory.summary = patch.summary;
    if (typeof patch.description === 'string') advisory.description = patch.description;
    if ('cve_id' in patch) advisory.cveId = (patch.cve_id as string | null) ?? null;
    if ('severity' in patch) advisory.severity = (patch.severity as FakeAdvisory['severity']) ?? null;
    if ('state' in patch && patch.state !== advisory.state) {
      advisory.state = patch.state as FakeAdvisory['state'];
      if (advisory.state === 'published') {
        advisory.publishedAt = at;
        advisory.publisher = identity;
      }
      if (advisory.state === 'closed') advisory.closedAt = at;
    }
    advisory.updatedAt = at;
    advisoryPatches.push({ owner: repo.owner, repo: repo.name, ghsaId: advisory.ghsaId, login: identity ?? '', body: JSON.parse(JSON.stringify(patch)) as Record<string, unknown> });
    return { status: 200, body: advisoryJson(org, repo, advisory) };
  });

  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', ({ params, body, identity }) => {
    const documentation = 'https://docs.github.com/rest/issues/comments#create-an-issue-comment';
    const found = located(params.owner!, params.repo!);
    if (!found || identity === null) return error(identity === null ? 401 : 404, identity === null ? 'Requires authentication' : 'Not Found', documentation);
    const { org, repo } = found;
    if (repo.private && !org.members.some((member) => member.login === identity) && !manages(org, repo, identity)) return error(404, 'Not Found', documentation);
    const number = Number(params.issue_number);
    if (!(repo.issues ?? []).includes(number)) return error(404, 'Not Found', documentation);
    if (repo.archived) return error(403, 'Repository was archived so is read-only.', documentation);
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string' || text.length === 0) {
      return { status: 422, body: { message: 'Validation Failed', documentation_url: documentation, errors: [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }] } };
    }
    const id = 9_000_000 + issueComments.length + 1;
    const createdAt = iso(context.now());
    issueComments.push({ id, owner: repo.owner, repo: repo.name, issue: number, body: text, login: identity, createdAt });
    const api = `${context.base()}/repos/${repo.owner}/${repo.name}/issues`;
    const html = `https://github.test/${repo.owner}/${repo.name}/issues/${number}#issuecomment-${id}`;
    return {
      status: 201,
      headers: { location: `${api}/comments/${id}` },
      body: {
        id,
        node_id: Buffer.from(`IssueComment:${id}`).toString('base64'),
        url: `${api}/comments/${id}`,
        html_url: html,
        body: text,
        user: user(identity),
        created_at: createdAt,
        updated_at: createdAt,
        issue_url: `${api}/${number}`,
        author_association: 'MEMBER',
        performed_via_github_app: null,
        reactions: { url: `${api}/comments/${id}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 },
      },
    };
  });

  return { issueComments, advisoryPatches };
}
