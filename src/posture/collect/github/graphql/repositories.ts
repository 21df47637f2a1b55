/**
 * Repositories through GraphQL: an organisation's, 50 a page, with everything
 * GraphQL has about each (default branch, history, releases, rulesets, branch
 * protection, pull requests) and, on the first page, the organisation's 2FA
 * requirement and its `.github` repository's SECURITY.md; or one repository.
 */
import { HostError } from '../../../../core/errors.js';
import { known, unavailable, type Fact, type RepoFile } from '../../../types.js';
import { policyFile } from '../facts.js';
import type { GithubTransport } from '../transport.js';
import {
  ORG_REPOSITORIES_QUERY,
  OrgRepositoriesSchema,
  PolicyRepositorySchema,
  REPOSITORY_PAGE_SIZE,
  REPOSITORY_QUERY,
  RepositoryNodeSchema,
  type GraphqlError,
  type RepositoryNode,
} from './queries.js';
import type { GraphqlRequest } from './request.js';

/** Pages of an organisation's repositories read at most: 100,000 repositories at 50 a page. */
const MAX_REPOSITORY_PAGES = 2000;

/** How much of each repository's history the queries ask for. */
export interface HistoryVariables {
  commits: number;
  releases: number;
  pullRequests: number;
}

/** One repository as listed, with the errors of the page it came on and where its own would be. */
export interface ListedRepository {
  node: RepositoryNode;
  errors: GraphqlError[];
  errorPath: (string | number)[];
}

export interface OrgListing {
  orgId: string;
  twoFactorRequired: Fact<boolean>;
  orgPolicy: Fact<RepoFile | null>;
}

interface Context {
  graphql: GraphqlRequest;
  transport: Pick<GithubTransport, 'log'>;
}

/**
 * Lists every repository of `org`, handing each to `onRepository` as its page
 * arrives (so that its REST requests start while the listing goes on). A
 * repository listed twice is handed over once; a cursor given again, or more
 * than MAX_REPOSITORY_PAGES pages, stops the listing with a warning.
 */
export async function listOrgRepositories(
  { graphql, transport }: Context,
  org: string,
  history: HistoryVariables,
  onRepository: (repository: ListedRepository) => void,
  onProgress: (listed: number, total: number) => void,
): Promise<OrgListing> {
  let after: string | null = null;
  const cursors = new Set<string>();
  const listed = new Set<string>();
  let repeated = 0;
  let orgId = '';
  let twoFactorRequired: Fact<boolean> = unavailable('GitHub did not answer');
  let orgPolicy: Fact<RepoFile | null> = unavailable('GitHub did not answer');
  for (let page = 0; ; page++) {
    const withOrg = page === 0;
    const { data, errors } = await graphql(ORG_REPOSITORIES_QUERY, { org, after, pageSize: REPOSITORY_PAGE_SIZE, withOrg, ...history }, `repositories of ${org}`);
    const parsed = OrgRepositoriesSchema.safeParse(data);
    if (!parsed.success) throw new HostError('github', `GraphQL repositories of ${org}: unexpected answer (${parsed.error.issues[0]?.message ?? ''})`);
    const organization = parsed.data.organization;
    if (!organization) {
      const notFound = errors.find((entry) => entry.type === 'NOT_FOUND');
      throw new HostError('github', notFound ? `no GitHub organisation named ${org}` : `GitHub did not list the repositories of ${org}: ${errors[0]?.message ?? 'no data'}`, {
        status: notFound ? 404 : undefined,
      });
    }
    if (withOrg) {
      orgId = organization.id;
      const required = organization.requiresTwoFactorAuthentication;
      twoFactorRequired = typeof required === 'boolean' ? known(required) : unavailable('only organisation owners can see whether two-factor authentication is required');
      const policy = PolicyRepositorySchema.safeParse(parsed.data.policyRepository ?? null);
      const policyError = errors.find((entry) => entry.path?.[0] === 'policyRepository' && entry.type !== 'NOT_FOUND');
      orgPolicy = policyFile(policy.success ? policy.data : null, policyError ? `GitHub did not give ${org}/.github (${policyError.message})` : policy.success ? null : 'unexpected answer for the .github repository');
    }
    for (const { node, index } of parseRepositoryNodes(transport, organization.repositories.nodes, `repositories of ${org}`)) {
      // A repository listed twice (a broken or hostile listing) is collected once.
      if (listed.has(node.nameWithOwner.toLowerCase())) {
        repeated++;
        continue;
      }
      listed.add(node.nameWithOwner.toLowerCase());
      onRepository({ node, errors, errorPath: ['organization', 'repositories', 'nodes', index] });
    }
    onProgress(listed.size, organization.repositories.totalCount);
    const { hasNextPage, endCursor } = organization.repositories.pageInfo;
    if (!hasNextPage || !endCursor) break;
    const stop = cursors.has(endCursor)
      ? `GitHub's repository list of ${org} gave a page cursor again after ${page + 1} page(s)`
      : page + 1 >= MAX_REPOSITORY_PAGES
        ? `GitHub listed more than ${MAX_REPOSITORY_PAGES} pages of repositories of ${org}`
        : null;
    if (stop) {
      transport.log('warn', `${stop}: stopped listing there; ${listed.size} of the ${organization.repositories.totalCount} repositories GitHub counts are collected`, {
        event: cursors.has(endCursor) ? 'github-pagination-loop' : 'github-pagination-stopped',
        list: `repositories of ${org}`,
        pages: page + 1,
      });
      break;
    }
    cursors.add(endCursor);
    after = endCursor;
  }
  if (repeated > 0) transport.log('warn', `GitHub listed ${repeated} repositories of ${org} more than once: each is collected once`, { event: 'github-repeated-repositories', org, repeated });
  return { orgId, twoFactorRequired, orgPolicy };
}

/** One repository, and its owner's `.github` SECURITY.md. */
export async function readRepository(
  { graphql, transport }: Context,
  owner: string,
  name: string,
  history: HistoryVariables,
): Promise<{ repository: ListedRepository; orgPolicy: Fact<RepoFile | null> }> {
  const { data, errors } = await graphql(REPOSITORY_QUERY, { owner, name, ...history }, `${owner}/${name}`);
  if (!data.repository) {
    const notFound = errors.find((entry) => entry.type === 'NOT_FOUND' && entry.path?.[0] === 'repository');
    throw new HostError('github', notFound ? `no GitHub repository ${owner}/${name}` : `GitHub did not give ${owner}/${name}: ${errors[0]?.message ?? 'no data'}`, {
      status: notFound ? 404 : undefined,
    });
  }
  const node = parseRepositoryNodes(transport, [data.repository], `${owner}/${name}`)[0]?.node;
  if (!node) throw new HostError('github', `GitHub described ${owner}/${name} in an unexpected shape`);
  const policy = PolicyRepositorySchema.safeParse(data.policyRepository ?? null);
  const policyError = errors.find((entry) => entry.path?.[0] === 'policyRepository' && entry.type !== 'NOT_FOUND');
  const orgPolicy = policyFile(policy.success ? policy.data : null, policyError ? `GitHub did not give ${owner}/.github (${policyError.message})` : null);
  return { repository: { node, errors, errorPath: ['repository'] }, orgPolicy };
}

/** The nodes that have the shape the collector reads, with their index; one odd node is skipped with a warning, not the page. */
function parseRepositoryNodes(transport: Pick<GithubTransport, 'log'>, nodes: readonly unknown[], what: string): { node: RepositoryNode; index: number }[] {
  const parsed: { node: RepositoryNode; index: number }[] = [];
  nodes.forEach((raw, index) => {
    if (raw === null) return;
    const node = RepositoryNodeSchema.safeParse(raw);
    if (node.success) parsed.push({ node: node.data, index });
    else transport.log('warn', `${what}: skipped a repository GitHub described in an unexpected shape: ${node.error.issues[0]?.message ?? ''}`);
  });
  return parsed;
}
