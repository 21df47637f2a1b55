/**
 * Repository security advisories from GitHub's REST API, through the posture
 * collector's transport (posture/collect/github/transport.ts: Octokit with
 * throttling and retries, bounded attempts, rate-limit waits and their cap,
 * lanes, each organisation's deadline, HostErrors with no secret in them).
 *
 * Per organisation: `GET /orgs/{org}/security-advisories` in cursor pages of
 * 100 (`Link: next`, loops stopped); it needs an org owner or security
 * manager, so on 403/404 the desk falls back to
 * `GET /repos/{owner}/{repo}/security-advisories` for each repository of the
 * org and says so in the org's source. The repository list (name,
 * visibility, archived) is one light GraphQL query per 100 repositories: it
 * tells whether each advisory's repository is public, and which repositories
 * to read on the fallback.
 *
 * Private vulnerability reporting is posture's fact: given the posture facts
 * already collected, they are reused and nothing is fetched; otherwise it is
 * fetched only when asked (`fetchReporting`).
 *
 * Nothing is cached between runs: a draft's text is embargoed, and the desk
 * keeps no copy of it on disk (the GitHub cache of posture stores derived
 * values per request).
 *
 * Writes for enforce and the notifiers: `updateAdvisory` (PATCH) and
 * `createIssueComment` (POST, never retried: a retry after a lost answer
 * would post twice).
 */
import { RequestError } from 'octokit';
import { z } from 'zod';
import { systemClock } from '../../core/clock.js';
import { ChainwatchError, HostError } from '../../core/errors.js';
import { known, unknown, type Knowable } from '../../core/known.js';
import { createGraphqlRequest } from '../../posture/collect/github/graphql/request.js';
import type { GithubCollectorOptions, GithubRequestStats } from '../../posture/collect/github/options.js';
import { createRestClient, type RestOutcome } from '../../posture/collect/github/rest/requests.js';
import { createGithubTransport } from '../../posture/collect/github/transport.js';
import type { RepoFacts } from '../../posture/types.js';
import type { AdvisoryOrigin, DeskAdvisory, DeskSource } from '../types.js';
import { GHSA_ID, parseRepositoryAdvisory } from './schema.js';

/** Pages of one advisory list read at most: 10,000 advisories at 100 a page. */
const MAX_ADVISORY_PAGES = 100;
/** Pages of an organisation's repository list read at most: 100,000 repositories. */
const MAX_REPOSITORY_PAGES = 1000;

/** What the token needs, per endpoint, in the words GitHub's documentation uses. */
export const TOKEN_NEEDS = {
  orgList:
    'listing an organisation\'s advisories needs an organisation owner or security manager, with a classic token\'s "repo" (or "repository_advisories:write") scope or a fine-grained token\'s "Repository security advisories" permission',
  repoList:
    'a repository\'s unpublished advisories need an admin or security manager of the repository (or a collaborator on the advisory), with a classic token\'s "repo" (or "repository_advisories:read") scope or a fine-grained token\'s "Repository security advisories: read" permission',
  update:
    'updating an advisory needs an admin or security manager of the repository (or a collaborator on the advisory), with a classic token\'s "repo" (or "repository_advisories:write") scope or a fine-grained token\'s "Repository security advisories: write" permission',
  comment: 'commenting on an issue needs a token that may write the repository\'s issues (classic "repo" or "public_repo" scope, fine-grained "Issues: write")',
} as const;

/** Whether private vulnerability reporting is on for one repository, and where the desk learnt it. */
export interface RepoReporting {
  /** `owner/name`. */
  repo: string;
  /** Public, when the repository listing said (null: not listed). */
  public: boolean | null;
  archived: boolean | null;
  privateVulnerabilityReporting: Knowable<boolean>;
  /** `posture`: the facts posture collected (nothing fetched); `github`: fetched here; `none`: neither. */
  from: 'posture' | 'github' | 'none';
}

export interface AdvisoryCollection {
  advisories: DeskAdvisory[];
  sources: DeskSource[];
  reporting: RepoReporting[];
}

/** Posture facts already collected: `RepoFacts[]`, or a map from `owner/name`. Only `privateVulnerabilityReporting` is read. */
export type PostureReportingFacts = ReadonlyMap<string, Pick<RepoFacts, 'privateVulnerabilityReporting'>> | Iterable<Pick<RepoFacts, 'repo' | 'privateVulnerabilityReporting'>>;

export interface CollectAdvisoriesOptions {
  postureFacts?: PostureReportingFacts;
  /** Ask GitHub for private vulnerability reporting of repositories the posture facts do not cover (one request each; default false). */
  fetchReporting?: boolean;
}

/** The body of `PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}` (GitHub's `repository-advisory-update`, the fields the desk may send). */
export const RepositoryAdvisoryUpdateSchema = z
  .object({
    collaborating_users: z.array(z.string().min(1)).nullable(),
    collaborating_teams: z.array(z.string().min(1)).nullable(),
    cve_id: z.string().nullable(),
    severity: z.enum(['critical', 'high', 'medium', 'low']).nullable(),
    state: z.enum(['published', 'closed', 'draft']),
    summary: z.string().max(1024),
    description: z.string().max(65535),
    cwe_ids: z.array(z.string()).nullable(),
  })
  .partial()
  .strict();
export type RepositoryAdvisoryUpdate = z.input<typeof RepositoryAdvisoryUpdateSchema>;

export interface PostedComment {
  id: number;
  htmlUrl: string | null;
}

export interface AdvisoryGithub {
  /** Every advisory of these organisations, `lanes` organisations at a time; sources in the order given. Never throws for a source that fails. */
  collect(orgs: readonly string[], options?: CollectAdvisoriesOptions): Promise<AdvisoryCollection>;
  /** One advisory, as GitHub has it now (enforce re-reads before it writes). */
  fetchAdvisory(owner: string, repo: string, ghsaId: string): Promise<DeskAdvisory>;
  /** PATCHes an advisory; GitHub's answer, normalised. A refusal is a HostError saying what the token needs. */
  updateAdvisory(owner: string, repo: string, ghsaId: string, patch: RepositoryAdvisoryUpdate): Promise<DeskAdvisory>;
  /** Posts a comment on an issue (or pull request). Not retried. */
  createIssueComment(owner: string, repo: string, issue: number, body: string): Promise<PostedComment>;
  stats(): GithubRequestStats;
}

const REPOSITORIES_QUERY = /* GraphQL */ `
query DeskRepositories($org: String!, $after: String) {
  rateLimit { cost remaining resetAt }
  organization(login: $org) {
    repositories(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { name isPrivate isArchived }
    }
  }
}
`;

const RepositoriesAnswerSchema = z.object({
  organization: z
    .object({
      repositories: z.object({
        totalCount: z.number(),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
        nodes: z.array(z.object({ name: z.string(), isPrivate: z.boolean(), isArchived: z.boolean() }).nullable()),
      }),
    })
    .nullable(),
});

const CommentAnswerSchema = z.object({ id: z.number(), html_url: z.string().nullish() });
const ValidationBodySchema = z.object({ message: z.string().optional(), errors: z.array(z.union([z.string(), z.object({ message: z.string().optional(), field: z.string().optional(), code: z.string().optional() })])).optional() });

interface ListedRepository {
  name: string;
  public: boolean;
  archived: boolean;
}

type AdvisoryList = { kind: 'absent'; status: number; message: string } | { kind: 'list'; items: unknown[]; pages: number; stopped: string | null };

export function createAdvisoryGithub(options: GithubCollectorOptions = {}): AdvisoryGithub {
  const clock = options.clock ?? systemClock;
  // Nothing kept between runs: see the module comment.
  const transport = createGithubTransport({ ...options, cache: null });
  const rest = createRestClient({ transport, cache: null, clock });
  const graphql = createGraphqlRequest(transport);

  async function collect(orgs: readonly string[], collectOptions: CollectAdvisoriesOptions = {}): Promise<AdvisoryCollection> {
    const posture = postureIndex(collectOptions.postureFacts);
    const results: AdvisoryCollection[] = new Array(orgs.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(transport.laneCount, orgs.length) }, async () => {
        while (next < orgs.length) {
          const index = next++;
          results[index] = await collectOrg(orgs[index]!, posture, collectOptions.fetchReporting === true);
        }
      }),
    );
    return {
      advisories: results.flatMap((result) => result.advisories),
      sources: results.flatMap((result) => result.sources),
      reporting: results.flatMap((result) => result.reporting),
    };
  }

  async function collectOrg(org: string, posture: Map<string, Knowable<boolean>>, fetchReporting: boolean): Promise<AdvisoryCollection> {
    const sourceName = `github:org/${org}`;
    try {
      return await transport.inLane(org, async () => {
        const listing = listRepositories(org).then(
          (repositories) => ({ ok: true as const, repositories }),
          (error: unknown) => ({ ok: false as const, error: transport.hostError(error, `GraphQL repositories of ${org}`) }),
        );
        const orgPath = `/orgs/${encodeURIComponent(org)}/security-advisories`;
        const orgList = await readList(`${orgPath}?per_page=100`);
        const listed = await listing;
        const visibility = new Map<string, ListedRepository>();
        if (listed.ok) for (const repository of listed.repositories) visibility.set(`${org}/${repository.name}`.toLowerCase(), repository);
        const publicOf = (owner: string, repo: string): boolean | null => visibility.get(`${owner}/${repo}`.toLowerCase())?.public ?? null;

        if (orgList.kind === 'list') {
          const parsed = parseAdvisories(orgList.items, 'github-org', `GET ${orgPath}`, publicOf);
          const notes = [
            orgList.stopped,
            parsed.skipped,
            listed.ok ? null : `the repository list could not be read (${listed.error.message}), so whether each repository is public is not known`,
          ].filter((note): note is string => note !== null);
          const reporting = await reportingFor(org, listed.ok ? listed.repositories : null, parsed.advisories, posture, fetchReporting);
          return {
            advisories: parsed.advisories,
            sources: [{ name: sourceName, status: 'read', advisories: parsed.advisories.length, note: notes.length > 0 ? notes.join('; ') : null }],
            reporting,
          };
        }

        const answered = `GitHub answered ${orgList.status}${orgList.message ? ` (${orgList.message})` : ''} to GET ${orgPath}`;
        if (orgList.status !== 403 && orgList.status !== 404) {
          return failed(sourceName, orgList.status === 401 ? 'forbidden' : 'unreachable', `${answered}; ${TOKEN_NEEDS.orgList}`);
        }
        if (!listed.ok) {
          const notFound = listed.error.status === 404;
          return failed(
            sourceName,
            notFound ? 'not-found' : 'unreachable',
            notFound ? `no GitHub organisation named ${org} that this token can see (${answered}, and GraphQL knows no such organisation)` : `${answered}, and its repositories could not be listed: ${listed.error.message}`,
          );
        }
        return await fallBackToRepositories(org, sourceName, answered, listed.repositories, posture, fetchReporting);
      });
    } catch (error) {
      return failed(sourceName, 'unreachable', transport.hostError(error, `GitHub advisories of ${org}`).message);
    }
  }

  /** The org list was refused: each repository's own list, each failure a source of its own, the rest going on. */
  async function fallBackToRepositories(
    org: string,
    sourceName: string,
    answered: string,
    repositories: ListedRepository[],
    posture: Map<string, Knowable<boolean>>,
    fetchReporting: boolean,
  ): Promise<AdvisoryCollection> {
    const perRepository = await Promise.all(
      repositories.map(async (repository): Promise<{ advisories: DeskAdvisory[]; source: DeskSource | null; note: string | null }> => {
        const repoPath = `/repos/${encodeURIComponent(org)}/${encodeURIComponent(repository.name)}/security-advisories`;
        const name = `github:repo/${org}/${repository.name}`;
        try {
          const list = await readList(`${repoPath}?per_page=100`);
          if (list.kind === 'absent') {
            const status = list.status === 404 ? 'not-found' : 'forbidden';
            const note = `GitHub answered ${list.status}${list.message ? ` (${list.message})` : ''} to GET ${repoPath}: ${TOKEN_NEEDS.repoList}`;
            return { advisories: [], source: { name, status, advisories: 0, note }, note: null };
          }
          const parsed = parseAdvisories(list.items, 'github-repo', `GET ${repoPath}`, () => repository.public);
          const note = [list.stopped, parsed.skipped].filter((text): text is string => text !== null).join('; ') || null;
          // A repository read in full needs no source of its own; one read in part says why.
          return { advisories: parsed.advisories, source: note ? { name, status: 'read', advisories: parsed.advisories.length, note } : null, note };
        } catch (error) {
          const message = transport.hostError(error, `GET ${repoPath}`).message;
          return { advisories: [], source: { name, status: 'unreachable', advisories: 0, note: message }, note: null };
        }
      }),
    );
    const advisories = perRepository.flatMap((entry) => entry.advisories);
    const repositorySources = perRepository.map((entry) => entry.source).filter((source): source is DeskSource => source !== null);
    const unread = repositorySources.filter((source) => source.status !== 'read').length;
    const note =
      `the token is neither an owner nor a security manager of ${org} (${answered}), so its ${repositories.length} repositories were read one by one` +
      ' (GET /repos/{owner}/{repo}/security-advisories); there GitHub shows only the published advisories of a repository the token does not administer, and those it collaborates on' +
      (unread > 0 ? `; ${unread} of them could not be read (see their sources)` : '');
    return {
      advisories,
      sources: [{ name: sourceName, status: 'repo-endpoints', advisories: advisories.length, note }, ...repositorySources],
      reporting: await reportingFor(org, repositories, advisories, posture, fetchReporting),
    };
  }

  /** Every page of an advisory list (`Link: next`, cursors); a loop or a runaway list stops it with what was read and the reason. */
  async function readList(firstPath: string): Promise<AdvisoryList> {
    const items: unknown[] = [];
    const seen = new Set<string>([firstPath]);
    const list = `GET ${firstPath.split('?')[0]}`;
    let next: string | null = firstPath;
    let pages = 0;
    let stopped: string | null = null;
    while (next !== null) {
      if (pages >= MAX_ADVISORY_PAGES) {
        stopped = `GitHub listed more than ${MAX_ADVISORY_PAGES} pages for ${list}: stopped there, so the list is incomplete`;
        transport.log('warn', stopped, { event: 'github-pagination-stopped', list, pages });
        break;
      }
      const outcome: RestOutcome<{ items: unknown[] | null; next: string | null }> = await rest.get(next, (data, headers) => ({ items: Array.isArray(data) ? (data as unknown[]) : null, next: nextLink(headers.link, transport.baseUrl) }), { revalidate: false });
      if (outcome.kind === 'absent') {
        if (pages === 0) return outcome;
        stopped = `GitHub answered ${outcome.status}${outcome.message ? ` (${outcome.message})` : ''} for page ${pages + 1} of ${list}: stopped there, so the list is incomplete`;
        transport.log('warn', stopped, { event: 'github-pagination-stopped', list, pages });
        break;
      }
      if (outcome.value.items === null) throw new HostError('github', `${list}: GitHub's answer is not a list of advisories`);
      pages++;
      for (const item of outcome.value.items) items.push(item);
      next = outcome.value.next;
      if (next !== null && seen.has(next)) {
        stopped = `GitHub's Link header for ${list} pointed back to a page already read after ${pages} page(s): stopped there, so the list may be incomplete`;
        transport.log('warn', stopped, { event: 'github-pagination-loop', list, pages });
        break;
      }
      if (next !== null) seen.add(next);
    }
    return { kind: 'list', items, pages, stopped };
  }

  /** Each item as a DeskAdvisory; an odd one is skipped and counted, not the list. An advisory listed twice is kept once. */
  function parseAdvisories(
    items: readonly unknown[],
    origin: AdvisoryOrigin,
    source: string,
    publicOf: (owner: string, repo: string) => boolean | null,
  ): { advisories: DeskAdvisory[]; skipped: string | null } {
    const advisories: DeskAdvisory[] = [];
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const item of items) {
      const parsed = parseRepositoryAdvisory(item, origin, source, null);
      if (!parsed.ok) {
        problems.push(transport.scrub(parsed.error.message));
        continue;
      }
      if (ids.has(parsed.value.id)) continue;
      ids.add(parsed.value.id);
      advisories.push({ ...parsed.value, repositoryPublic: publicOf(parsed.value.owner, parsed.value.repo) });
    }
    if (problems.length === 0) return { advisories, skipped: null };
    const skipped = `${problems.length} advisor${problems.length === 1 ? 'y' : 'ies'} in a shape the desk cannot read skipped (${problems[0]})`;
    transport.log('warn', `${source}: ${skipped}`, { event: 'advisory-skipped', source, skipped: problems.length });
    return { advisories, skipped };
  }

  /** The organisation's repositories, 100 a page; a repeated cursor or a runaway list stops with what was read. */
  async function listRepositories(org: string): Promise<ListedRepository[]> {
    const repositories: ListedRepository[] = [];
    const names = new Set<string>();
    const cursors = new Set<string>();
    let after: string | null = null;
    for (let page = 0; page < MAX_REPOSITORY_PAGES; page++) {
      const { data, errors } = await graphql(REPOSITORIES_QUERY, { org, after }, `repositories of ${org}`);
      const parsed = RepositoriesAnswerSchema.safeParse(data);
      if (!parsed.success) throw new HostError('github', `GraphQL repositories of ${org}: unexpected answer (${parsed.error.issues[0]?.message ?? ''})`);
      const organization = parsed.data.organization;
      if (!organization) {
        const notFound = errors.some((entry) => entry.type === 'NOT_FOUND');
        throw new HostError('github', notFound ? `no GitHub organisation named ${org}` : `GitHub did not list the repositories of ${org}: ${errors[0]?.message ?? 'no data'}`, {
          ...(notFound ? { status: 404 } : {}),
        });
      }
      for (const node of organization.repositories.nodes) {
        if (node === null || names.has(node.name.toLowerCase())) continue;
        names.add(node.name.toLowerCase());
        repositories.push({ name: node.name, public: !node.isPrivate, archived: node.isArchived });
      }
      const { hasNextPage, endCursor } = organization.repositories.pageInfo;
      if (!hasNextPage || !endCursor) return repositories;
      if (cursors.has(endCursor)) {
        transport.log('warn', `GitHub's repository list of ${org} gave a page cursor again after ${page + 1} page(s): stopped listing there`, {
          event: 'github-pagination-loop',
          list: `repositories of ${org}`,
          pages: page + 1,
        });
        return repositories;
      }
      cursors.add(endCursor);
      after = endCursor;
    }
    transport.log('warn', `GitHub listed more than ${MAX_REPOSITORY_PAGES} pages of repositories of ${org}: stopped listing there`, {
      event: 'github-pagination-stopped',
      list: `repositories of ${org}`,
      pages: MAX_REPOSITORY_PAGES,
    });
    return repositories;
  }

  /** Private vulnerability reporting for the org's listed repositories (and any other an advisory names): posture's fact, fetched only when asked. */
  async function reportingFor(
    org: string,
    repositories: ListedRepository[] | null,
    advisories: readonly DeskAdvisory[],
    posture: Map<string, Knowable<boolean>>,
    fetchReporting: boolean,
  ): Promise<RepoReporting[]> {
    const entries = new Map<string, { repo: string; public: boolean | null; archived: boolean | null }>();
    for (const repository of repositories ?? []) entries.set(`${org}/${repository.name}`.toLowerCase(), { repo: `${org}/${repository.name}`, public: repository.public, archived: repository.archived });
    for (const advisory of advisories) {
      const key = `${advisory.owner}/${advisory.repo}`.toLowerCase();
      if (!entries.has(key)) entries.set(key, { repo: `${advisory.owner}/${advisory.repo}`, public: advisory.repositoryPublic, archived: null });
    }
    return Promise.all(
      [...entries.entries()].map(async ([key, entry]): Promise<RepoReporting> => {
        const fromPosture = posture.get(key);
        if (fromPosture) return { ...entry, privateVulnerabilityReporting: fromPosture, from: 'posture' };
        if (!fetchReporting) {
          return { ...entry, privateVulnerabilityReporting: unknown('not collected: private vulnerability reporting is a posture fact, and no posture facts were given for this repository'), from: 'none' };
        }
        const [owner, name] = [entry.repo.slice(0, entry.repo.indexOf('/')), entry.repo.slice(entry.repo.indexOf('/') + 1)];
        const path = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/private-vulnerability-reporting`;
        try {
          const outcome = await rest.get(path, (data) => z.object({ enabled: z.boolean() }).parse(data).enabled, { revalidate: false });
          return {
            ...entry,
            privateVulnerabilityReporting:
              outcome.kind === 'value'
                ? known(outcome.value)
                : unknown(`GitHub answered ${outcome.status}${outcome.message ? ` (${outcome.message})` : ''}: private vulnerability reporting is off for this token or cannot be read (it needs admin or security manager access)`),
            from: 'github',
          };
        } catch (error) {
          return { ...entry, privateVulnerabilityReporting: unknown(transport.hostError(error, `GET ${path}`).message), from: 'github' };
        }
      }),
    );
  }

  // ---------------------------------------------------------------- one advisory, writes

  function advisoryPath(owner: string, repo: string, ghsaId: string): string {
    if (!GHSA_ID.test(ghsaId)) throw new ChainwatchError('invalid-argument', `${JSON.stringify(ghsaId)} is not a GHSA id (GHSA-xxxx-xxxx-xxxx)`);
    if (!owner || !repo) throw new ChainwatchError('invalid-argument', 'an advisory needs its repository owner and name');
    return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/security-advisories/${ghsaId}`;
  }

  function normalised(data: unknown, origin: AdvisoryOrigin, source: string): DeskAdvisory {
    const parsed = parseRepositoryAdvisory(data, origin, source, null);
    if (!parsed.ok) throw new HostError('github', `${source}: GitHub's answer is not a repository advisory: ${transport.scrub(parsed.error.message)}`);
    return parsed.value;
  }

  /** A refusal (4xx that is no rate limit) as a HostError with GitHub's words and what the token needs; anything else as the transport says it. */
  function refusal(error: unknown, what: string, needs: string): HostError {
    if (error instanceof RequestError && error.status >= 400 && error.status < 500 && !transport.isRateLimitAnswer(error)) {
      const body = ValidationBodySchema.safeParse(error.response?.data);
      const details = body.success
        ? [body.data.message, ...(body.data.errors ?? []).map((entry) => (typeof entry === 'string' ? entry : (entry.message ?? [entry.field, entry.code].filter(Boolean).join(' '))))].filter(Boolean).join(': ')
        : '';
      const hint = error.status === 401 ? 'GitHub refused the token' : error.status === 403 || error.status === 404 ? needs : '';
      return new HostError('github', transport.scrub(`${what}: HTTP ${error.status}${details ? `: ${details}` : ''}${hint ? ` (${hint})` : ''}`), { status: error.status, retryable: false });
    }
    return transport.hostError(error, what);
  }

  return {
    collect,

    async fetchAdvisory(owner, repo, ghsaId) {
      const path = advisoryPath(owner, repo, ghsaId);
      return transport.inLane(`${owner}/${repo} ${ghsaId}`, async () => {
        const outcome = await rest.get(path, (data) => data, { revalidate: false });
        if (outcome.kind === 'absent') {
          throw new HostError(
            'github',
            transport.scrub(`GET ${path}: HTTP ${outcome.status}${outcome.message ? `: ${outcome.message}` : ''}${outcome.status === 403 || outcome.status === 404 ? ` (${TOKEN_NEEDS.repoList})` : ''}`),
            { status: outcome.status, retryable: false },
          );
        }
        return normalised(outcome.value, 'github-repo', `GET ${path}`);
      });
    },

    async updateAdvisory(owner, repo, ghsaId, patch) {
      const path = advisoryPath(owner, repo, ghsaId);
      const body = RepositoryAdvisoryUpdateSchema.safeParse(patch);
      if (!body.success) throw new ChainwatchError('invalid-argument', `not an advisory update: ${body.error.issues[0]?.path.join('.') ?? ''} ${body.error.issues[0]?.message ?? ''}`.trim());
      return transport.inLane(`${owner}/${repo} ${ghsaId}`, async () => {
        const lane = transport.lane();
        try {
          const response = await lane.octokit.request('PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}', {
            owner,
            repo,
            ghsa_id: ghsaId,
            ...body.data,
            request: { signal: lane.signal },
          } as never);
          return normalised(response.data, 'github-repo', `PATCH ${path}`);
        } catch (error) {
          throw refusal(error, `PATCH ${path}`, TOKEN_NEEDS.update);
        }
      });
    },

    async createIssueComment(owner, repo, issue, body) {
      if (!Number.isSafeInteger(issue) || issue < 1) throw new ChainwatchError('invalid-argument', `${issue} is not an issue number`);
      if (body.trim() === '') throw new ChainwatchError('invalid-argument', 'an issue comment needs a body');
      const path = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues/${issue}/comments`;
      return transport.inLane(`${owner}/${repo}#${issue}`, async () => {
        const lane = transport.lane();
        try {
          const response = await lane.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
            owner,
            repo,
            issue_number: issue,
            body,
            // Not retried: when an answer is lost, GitHub may have posted it already.
            request: { signal: lane.signal, retries: 0 },
          });
          const answer = CommentAnswerSchema.safeParse(response.data);
          if (!answer.success) throw new HostError('github', `POST ${path}: GitHub's answer is not an issue comment`);
          return { id: answer.data.id, htmlUrl: answer.data.html_url ?? null };
        } catch (error) {
          throw refusal(error, `POST ${path}`, TOKEN_NEEDS.comment);
        }
      });
    },

    stats: () => ({ ...transport.stats, byRoute: { ...transport.stats.byRoute } }),
  };
}

function failed(name: string, status: DeskSource['status'], note: string): AdvisoryCollection {
  return { advisories: [], sources: [{ name, status, advisories: 0, note }], reporting: [] };
}

/** Posture facts by lower-case `owner/name`. */
function postureIndex(facts: PostureReportingFacts | undefined): Map<string, Knowable<boolean>> {
  const index = new Map<string, Knowable<boolean>>();
  if (!facts) return index;
  if (facts instanceof Map) {
    for (const [repo, fact] of facts as ReadonlyMap<string, Pick<RepoFacts, 'privateVulnerabilityReporting'>>) index.set(repo.toLowerCase(), fact.privateVulnerabilityReporting);
  } else {
    for (const fact of facts as Iterable<Pick<RepoFacts, 'repo' | 'privateVulnerabilityReporting'>>) index.set(fact.repo.toLowerCase(), fact.privateVulnerabilityReporting);
  }
  return index;
}

/** The Link header's `next` target as a path and query under the base URL (cursor pages: `?after=…`). */
export function nextLink(link: string | number | undefined, baseUrl: string): string | null {
  if (typeof link !== 'string') return null;
  for (const part of link.split(/,\s*(?=<)/)) {
    const match = /^<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (!match || !/\brel="?([^"]*\s)?next(\s[^"]*)?"?/.test(match[2]!)) continue;
    let target: URL;
    try {
      target = new URL(match[1]!);
    } catch {
      return null;
    }
    const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
    const path = basePath && target.pathname.startsWith(basePath) ? target.pathname.slice(basePath.length) : target.pathname;
    return `${path}${target.search}`;
  }
  return null;
}

