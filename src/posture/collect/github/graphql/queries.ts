/**
 * The GraphQL the GitHub collector sends, and zod schemas of the answers
 * (only the fields it reads; STYLE rule 2). queries.test.ts validates
 * every query against GitHub's published schema.
 *
 * Cost (GitHub's rule: each connection's requests, multiplied by the `first`
 * of what holds it, summed, /100): one page of 50 repositories is
 * 1 + 50 × (history + releases + rulesets + pull requests) + 50 × 5 × rules
 * = 451 → 5 points, so ~0.1 point per repository.
 */
import { z } from 'zod';

/** Repositories per listing page. */
export const REPOSITORY_PAGE_SIZE = 50;
/** Members per page of the members query. */
export const MEMBER_PAGE_SIZE = 50;

const REPOSITORY_FACTS_FRAGMENT = /* GraphQL */ `
fragment RepositoryFacts on Repository {
  name
  nameWithOwner
  isArchived
  isFork
  isEmpty
  viewerPermission
  defaultBranchRef {
    name
    branchProtectionRule {
      requiresApprovingReviews
      requiredApprovingReviewCount
      dismissesStaleReviews
      requiresCodeOwnerReviews
      requiresStatusChecks
      isAdminEnforced
      allowsForcePushes
      allowsDeletions
    }
    target {
      __typename
      oid
      ... on Commit {
        tree { oid }
        history(first: $commits) {
          nodes { oid committedDate author { name user { login } } signature { isValid } }
        }
      }
    }
  }
  releases(first: $releases, orderBy: { field: CREATED_AT, direction: DESC }) {
    nodes { tagName createdAt publishedAt isDraft }
  }
  rulesets(first: 5, includeParents: true) {
    nodes {
      name
      enforcement
      target
      conditions { refName { include exclude } repositoryName { include exclude } }
      rules(first: 20) { nodes { type } }
    }
  }
  pullRequests(first: $pullRequests, orderBy: { field: CREATED_AT, direction: DESC }) {
    nodes { state createdAt mergedAt author { login } }
  }
}
`;

/** SECURITY.md of the owner's `.github` repository: GitHub looks at its root, `.github/` and `docs/`. */
const POLICY_FILES_FRAGMENT = /* GraphQL */ `
fragment PolicyFiles on Repository {
  root: object(expression: "HEAD:SECURITY.md") { ... on Blob { text } }
  dotGithub: object(expression: "HEAD:.github/SECURITY.md") { ... on Blob { text } }
  docs: object(expression: "HEAD:docs/SECURITY.md") { ... on Blob { text } }
}
`;

export const ORG_REPOSITORIES_QUERY = /* GraphQL */ `
query OrgRepositories($org: String!, $after: String, $pageSize: Int!, $commits: Int!, $releases: Int!, $pullRequests: Int!, $withOrg: Boolean!) {
  rateLimit { cost remaining resetAt }
  organization(login: $org) {
    id
    requiresTwoFactorAuthentication @include(if: $withOrg)
    repositories(first: $pageSize, after: $after, orderBy: { field: NAME, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...RepositoryFacts }
    }
  }
  policyRepository: repository(owner: $org, name: ".github") @include(if: $withOrg) { ...PolicyFiles }
}
${REPOSITORY_FACTS_FRAGMENT}
${POLICY_FILES_FRAGMENT}`;

export const REPOSITORY_QUERY = /* GraphQL */ `
query Repository($owner: String!, $name: String!, $commits: Int!, $releases: Int!, $pullRequests: Int!) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) { ...RepositoryFacts }
  policyRepository: repository(owner: $owner, name: ".github") { ...PolicyFiles }
}
${REPOSITORY_FACTS_FRAGMENT}
${POLICY_FILES_FRAGMENT}`;

/**
 * Members and their newest contribution to the organisation in the window
 * (`$since`, at most a year back): newest commit in the 5 repositories they
 * committed to most, newest issue, PR and review.
 */
export const ORG_MEMBERS_QUERY = /* GraphQL */ `
query OrgMembers($org: String!, $orgId: ID!, $after: String, $since: DateTime!, $pageSize: Int!) {
  rateLimit { cost remaining resetAt }
  organization(login: $org) {
    membersWithRole(first: $pageSize, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        role
        node {
          login
          contributionsCollection(organizationID: $orgId, from: $since) {
            commitContributionsByRepository(maxRepositories: 5) {
              contributions(first: 1, orderBy: { field: OCCURRED_AT, direction: DESC }) { nodes { occurredAt } }
            }
            issueContributions(first: 1, orderBy: { direction: DESC }) { nodes { occurredAt } }
            pullRequestContributions(first: 1, orderBy: { direction: DESC }) { nodes { occurredAt } }
            pullRequestReviewContributions(first: 1, orderBy: { direction: DESC }) { nodes { occurredAt } }
          }
        }
      }
    }
  }
}`;

export interface BlobRequest {
  owner: string;
  name: string;
  oid: string;
}

/**
 * One query for many blobs across repositories (aliases `r<i>` / `b<j>`).
 * Names and ids are JSON-quoted, which is GraphQL's string syntax for them.
 */
export function blobsQuery(requests: readonly BlobRequest[]): { query: string; aliases: Map<string, BlobRequest> } {
  const byRepository = new Map<string, BlobRequest[]>();
  for (const request of requests) {
    const key = `${request.owner}/${request.name}`;
    const list = byRepository.get(key) ?? [];
    list.push(request);
    byRepository.set(key, list);
  }
  const aliases = new Map<string, BlobRequest>();
  const parts: string[] = [];
  let repositoryIndex = 0;
  for (const list of byRepository.values()) {
    const repositoryAlias = `r${repositoryIndex++}`;
    const blobs = list.map((request, blobIndex) => {
      aliases.set(`${repositoryAlias}.b${blobIndex}`, request);
      return `b${blobIndex}: object(oid: ${JSON.stringify(request.oid)}) { ... on Blob { oid text isBinary isTruncated } }`;
    });
    parts.push(`${repositoryAlias}: repository(owner: ${JSON.stringify(list[0]!.owner)}, name: ${JSON.stringify(list[0]!.name)}) { ${blobs.join(' ')} }`);
  }
  return { query: `query Blobs {\n  rateLimit { cost remaining resetAt }\n  ${parts.join('\n  ')}\n}`, aliases };
}

// ------------------------------------------------------------------ answers

export const GraphqlErrorSchema = z.object({
  type: z.string().optional(),
  message: z.string().default(''),
  path: z.array(z.union([z.string(), z.number()])).optional(),
});
export type GraphqlError = z.infer<typeof GraphqlErrorSchema>;

export const GraphqlEnvelopeSchema = z.object({
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  errors: z.array(z.unknown()).optional(),
});

/** Only the cost is read: the rate-limit headers say the rest. */
export const RateLimitSchema = z.object({ cost: z.number() });

const BlobTextSchema = z.object({ text: z.string().nullable().optional() }).nullable();

export const PolicyRepositorySchema = z
  .object({ root: BlobTextSchema.optional(), dotGithub: BlobTextSchema.optional(), docs: BlobTextSchema.optional() })
  .nullable();
export type PolicyRepositoryNode = z.infer<typeof PolicyRepositorySchema>;

const ConnectionNodes = <T extends z.ZodType>(node: T) => z.object({ nodes: z.array(node.nullable()).default([]) }).nullable();

export const RepositoryNodeSchema = z.object({
  name: z.string(),
  nameWithOwner: z.string(),
  isArchived: z.boolean(),
  isFork: z.boolean(),
  isEmpty: z.boolean(),
  viewerPermission: z.string().nullable().optional(),
  defaultBranchRef: z
    .object({
      name: z.string(),
      branchProtectionRule: z
        .object({
          requiresApprovingReviews: z.boolean(),
          requiredApprovingReviewCount: z.number().nullable(),
          dismissesStaleReviews: z.boolean(),
          requiresCodeOwnerReviews: z.boolean(),
          requiresStatusChecks: z.boolean(),
          isAdminEnforced: z.boolean(),
          allowsForcePushes: z.boolean(),
          allowsDeletions: z.boolean(),
        })
        .nullable()
        .optional(),
      target: z
        .object({
          __typename: z.string(),
          oid: z.string(),
          tree: z.object({ oid: z.string() }).optional(),
          history: ConnectionNodes(
            z.object({
              oid: z.string(),
              committedDate: z.string(),
              author: z.object({ name: z.string().nullable(), user: z.object({ login: z.string() }).nullable() }).nullable(),
              signature: z.object({ isValid: z.boolean() }).nullable(),
            }),
          ).optional(),
        })
        .nullable(),
    })
    .nullable(),
  releases: ConnectionNodes(z.object({ tagName: z.string(), createdAt: z.string(), publishedAt: z.string().nullable(), isDraft: z.boolean() })),
  /** Null (with an error) when the token may not read rulesets. */
  rulesets: ConnectionNodes(
    z.object({
      name: z.string(),
      enforcement: z.string(),
      target: z.string().nullable(),
      conditions: z.object({
        refName: z.object({ include: z.array(z.string()), exclude: z.array(z.string()) }).nullable(),
        repositoryName: z.object({ include: z.array(z.string()), exclude: z.array(z.string()) }).nullable().optional(),
      }),
      rules: ConnectionNodes(z.object({ type: z.string() })),
    }),
  ).optional(),
  pullRequests: ConnectionNodes(z.object({ state: z.string(), createdAt: z.string(), mergedAt: z.string().nullable(), author: z.object({ login: z.string() }).nullable() })),
});
export type RepositoryNode = z.infer<typeof RepositoryNodeSchema>;

export const OrgRepositoriesSchema = z.object({
  organization: z
    .object({
      id: z.string(),
      requiresTwoFactorAuthentication: z.boolean().nullable().optional(),
      repositories: z.object({
        totalCount: z.number(),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
        // Checked node by node: one odd repository does not drop the page.
        nodes: z.array(z.unknown()).default([]),
      }),
    })
    .nullable(),
  policyRepository: z.unknown().optional(),
});

const OccurredNodes = z.object({ nodes: z.array(z.object({ occurredAt: z.string() }).nullable()).default([]) });

export const OrgMembersSchema = z.object({
  organization: z
    .object({
      membersWithRole: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
        edges: z
          .array(
            z
              .object({
                role: z.string(),
                node: z.object({
                  login: z.string(),
                  contributionsCollection: z
                    .object({
                      commitContributionsByRepository: z.array(z.object({ contributions: OccurredNodes })).default([]),
                      issueContributions: OccurredNodes,
                      pullRequestContributions: OccurredNodes,
                      pullRequestReviewContributions: OccurredNodes,
                    })
                    .nullable(),
                }),
              })
              .nullable(),
          )
          .default([]),
      }),
    })
    .nullable(),
});

export const BlobNodeSchema = z.object({ oid: z.string(), text: z.string().nullable(), isBinary: z.boolean().nullable(), isTruncated: z.boolean() }).nullable();
