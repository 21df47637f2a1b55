/**
 * An organisation's members, their role, and the newest activity GitHub shows
 * for each in the organisation (GraphQL `membersWithRole` with
 * `contributionsCollection(organizationID)`: commits in the 5 repositories
 * they committed to most, issues, pull requests, reviews), over at most the
 * last year (GitHub's limit).
 */
import type { Clock } from '../../../../core/clock.js';
import { known, unavailable, type Fact, type MemberFact } from '../../../types.js';
import { isoDate } from '../../history.js';
import type { GithubTransport } from '../transport.js';
import { MEMBER_PAGE_SIZE, ORG_MEMBERS_QUERY, OrgMembersSchema } from './queries.js';
import type { GraphqlRequest } from './request.js';

/** Pages of an organisation's members read at most. */
const MAX_MEMBER_PAGES = 1000;

export async function collectMembers(
  { graphql, transport, clock }: { graphql: GraphqlRequest; transport: Pick<GithubTransport, 'log'>; clock: Clock },
  org: string,
  orgId: string,
  activityWindowDays: number,
): Promise<Fact<MemberFact[]>> {
  const since = new Date(clock.now().getTime() - activityWindowDays * 86_400_000).toISOString();
  const members: MemberFact[] = [];
  const cursors = new Set<string>();
  let after: string | null = null;
  for (let page = 0; ; page++) {
    if (page >= MAX_MEMBER_PAGES) {
      const reason = `GitHub listed more than ${MAX_MEMBER_PAGES} pages of members of ${org}: stopped there, so the list is incomplete`;
      transport.log('warn', reason, { event: 'github-pagination-stopped', list: `members of ${org}`, pages: page });
      return unavailable(reason);
    }
    const { data, errors } = await graphql(ORG_MEMBERS_QUERY, { org, orgId, after, since, pageSize: MEMBER_PAGE_SIZE }, `members of ${org}`);
    const parsed = OrgMembersSchema.safeParse(data);
    if (!parsed.success || !parsed.data.organization) {
      return unavailable(`GitHub did not list the members of ${org}${errors[0] ? ` (${errors[0].message})` : ''}`);
    }
    const connection = parsed.data.organization.membersWithRole;
    for (const edge of connection.edges) {
      if (!edge) continue;
      const collection = edge.node.contributionsCollection;
      let newest: string | undefined;
      if (collection) {
        for (const nodes of [
          ...collection.commitContributionsByRepository.map((entry) => entry.contributions.nodes),
          collection.issueContributions.nodes,
          collection.pullRequestContributions.nodes,
          collection.pullRequestReviewContributions.nodes,
        ]) {
          for (const entry of nodes) {
            const date = entry === null ? undefined : isoDate(entry.occurredAt);
            if (date !== undefined && (newest === undefined || date > newest)) newest = date;
          }
        }
      }
      members.push({
        login: edge.node.login,
        role: edge.role === 'ADMIN' ? 'admin' : 'member',
        lastActivity: newest ? known(newest) : unavailable(collection ? `no contribution to ${org} seen since ${since.slice(0, 10)}` : 'GitHub did not give the contributions'),
      });
    }
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    if (cursors.has(connection.pageInfo.endCursor)) {
      const reason = `GitHub's member list of ${org} gave a page cursor again after ${page + 1} page(s): stopped there, so the list may be incomplete`;
      transport.log('warn', reason, { event: 'github-pagination-loop', list: `members of ${org}`, pages: page + 1 });
      return unavailable(reason);
    }
    cursors.add(connection.pageInfo.endCursor);
    after = connection.pageInfo.endCursor;
  }
  return known(members);
}
