/**
 * The fake's GraphQL endpoint: queries run with graphql-js against GitHub's
 * published schema (`@octokit/graphql-schema`), so a query the real API would
 * reject (unknown field, wrong argument, missing `first`) is rejected here too,
 * and answers have the real shapes. Resolvers draw from the fake's model.
 */
import { schema as githubSchema } from '@octokit/graphql-schema';
import {
  buildClientSchema,
  execute,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type IntrospectionQuery,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { isEmptyRepo, treeOid, type FakeCommit, type FakeFile, type FakeMember, type FakeOrg, type FakeRepo } from './model.js';

let cachedSchema: GraphQLSchema | null = null;

/** GitHub's GraphQL schema, from the introspection JSON the npm package ships (its SDL repeats two fields, which graphql-js refuses). */
export function githubGraphqlSchema(): GraphQLSchema {
  if (!cachedSchema) {
    const json = githubSchema.json as unknown as { data?: IntrospectionQuery } & IntrospectionQuery;
    cachedSchema = buildClientSchema(json.data ?? json);
  }
  return cachedSchema;
}

/** Errors GitHub reports with a top-level `type` (NOT_FOUND, FORBIDDEN...). */
class TypedError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface GraphqlWorld {
  org(login: string): FakeOrg | undefined;
  repo(owner: string, name: string): FakeRepo | undefined;
}

export interface GraphqlAnswer {
  body: { data?: unknown; errors?: unknown[] };
  /** Points the query costs (GitHub's rule), 0 when it did not run. */
  cost: number;
}

const parsedQueries = new Map<string, DocumentNode>();

/** Parses and validates a query; the same text is parsed once. */
function parseQuery(schema: GraphQLSchema, query: string): DocumentNode | readonly GraphQLError[] {
  const cached = parsedQueries.get(query);
  if (cached) return cached;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return [error as GraphQLError];
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return errors;
  if (parsedQueries.size > 500) parsedQueries.clear();
  parsedQueries.set(query, document);
  return document;
}

/** The points a query costs: connections' requests summed (each `first`/`last` multiplies what it holds), /100, rounded, at least 1. */
export function queryCost(document: DocumentNode, variables: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.BOOLEAN) return node.value;
    return undefined;
  };
  const included = (node: FieldNode | { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] }): boolean => {
    for (const directive of node.directives ?? []) {
      const condition = directive.arguments?.find((argument) => argument.name.value === 'if');
      const value = condition ? valueOf(condition.value) : undefined;
      if (directive.name.value === 'include' && value === false) return false;
      if (directive.name.value === 'skip' && value === true) return false;
    }
    return true;
  };
  let requests = 0;
  const walk = (selectionSet: SelectionSetNode | undefined, multiplier: number): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const limit = selection.arguments?.find((argument) => argument.name.value === 'first' || argument.name.value === 'last');
        let childMultiplier = multiplier;
        if (limit) {
          requests += multiplier;
          const value = valueOf(limit.value);
          childMultiplier = multiplier * (typeof value === 'number' ? value : 1);
        }
        walk(selection.selectionSet, childMultiplier);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, multiplier);
      } else {
        walk(fragments.get(selection.name.value)?.selectionSet, multiplier);
      }
    }
  };
  for (const definition of document.definitions) if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, 1);
  return Math.max(1, Math.round(requests / 100));
}

/** Runs one GraphQL request. `rateLimit` answers the `rateLimit` field after the cost was charged. */
export function runGraphql(
  world: GraphqlWorld,
  request: { query: string; variables?: Record<string, unknown>; operationName?: string },
  charge: (cost: number) => { allowed: boolean; limit: number; remaining: number; used: number; resetAt: string },
): GraphqlAnswer {
  const schema = githubGraphqlSchema();
  const document = parseQuery(schema, request.query);
  if (!('kind' in document)) {
    return { body: { errors: document.map((error) => ({ message: error.message, locations: error.locations })) }, cost: 0 };
  }
  const variables = request.variables ?? {};
  const cost = queryCost(document, variables);
  const budget = charge(cost);
  if (!budget.allowed) {
    return { body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit already exceeded for user ID 1.' }] }, cost: 0 };
  }
  const rootValue = {
    rateLimit: () => ({ cost, limit: budget.limit, remaining: budget.remaining, used: budget.used, resetAt: budget.resetAt, nodeCount: 0 }),
    organization: ({ login }: { login: string }) => {
      const org = world.org(login);
      if (!org) throw new TypedError('NOT_FOUND', `Could not resolve to an Organization with the login of '${login}'.`);
      return organizationObject(org, world);
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = world.repo(owner, name);
      if (!repo) throw new TypedError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repositoryObject(repo);
    },
  };
  const result = execute({ schema, document, rootValue, variableValues: variables, operationName: request.operationName }) as { data?: unknown; errors?: readonly GraphQLError[] };
  if (result instanceof Promise) throw new Error('fake GraphQL resolvers are synchronous');
  const body: GraphqlAnswer['body'] = { data: result.data ?? null };
  if (result.errors && result.errors.length > 0) {
    body.errors = result.errors.map((error) => {
      const typed = error.originalError instanceof TypedError ? error.originalError.type : undefined;
      return { ...(typed ? { type: typed } : {}), path: error.path, locations: error.locations, message: error.message };
    });
  }
  return { body, cost };
}

// ---------------------------------------------------------------- objects

function nodeId(kind: string, id: string | number): string {
  return Buffer.from(`${kind}:${id}`).toString('base64');
}

function utc(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface ConnectionArguments {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

function cursorFor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64');
}

function indexOf(cursor: string, field: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw new TypedError('INVALID_CURSOR_ARGUMENTS', `\`${cursor}\` does not appear to be a valid cursor for \`${field}\`.`);
  return Number(match[1]);
}

/** A GitHub connection over a list: `first`/`last` required and at most 100, as GitHub enforces. */
function connection<T, N>(field: string, items: readonly T[], args: ConnectionArguments, toNode: (item: T) => N, edgeExtra?: (item: T) => Record<string, unknown>) {
  if (args.first == null && args.last == null) throw new TypedError('MISSING_PAGINATION_BOUNDARIES', `You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`);
  for (const key of ['first', 'last'] as const) {
    const value = args[key];
    if (value != null && (value < 0 || value > 100)) {
      throw new TypedError('EXCESSIVE_PAGINATION', `Requesting ${value} records on the \`${field}\` connection exceeds the \`${key}\` limit of 100 records.`);
    }
  }
  let start = args.after ? indexOf(args.after, field) + 1 : 0;
  let end = args.before ? indexOf(args.before, field) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const slice = items.slice(start, end).map((item, offset) => ({ item, index: start + offset }));
  return {
    totalCount: items.length,
    nodes: slice.map(({ item }) => toNode(item)),
    edges: slice.map(({ item, index }) => ({ cursor: cursorFor(index), node: toNode(item), ...edgeExtra?.(item) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? cursorFor(start) : null,
      endCursor: slice.length > 0 ? cursorFor(end - 1) : null,
    },
  };
}

function organizationObject(org: FakeOrg, world: GraphqlWorld) {
  return {
    __typename: 'Organization',
    id: nodeId('Organization', org.databaseId),
    databaseId: org.databaseId,
    login: org.login,
    name: org.login,
    url: `https://github.test/${org.login}`,
    requiresTwoFactorAuthentication: org.twoFactorRequired,
    repositories: (args: ConnectionArguments) =>
      connection('repositories', org.repoNames(), args, (name) => {
        const repo = world.repo(org.login, name);
        if (!repo) throw new Error(`fake: ${org.login}/${name} listed but missing`);
        return repositoryObject(repo);
      }),
    membersWithRole: (args: ConnectionArguments) =>
      connection('membersWithRole', org.members, args, (member) => userObject(member, org), (member) => ({ role: member.role })),
  };
}

function userObject(member: FakeMember, org: FakeOrg) {
  return {
    __typename: 'User',
    id: nodeId('User', member.databaseId),
    databaseId: member.databaseId,
    login: member.login,
    url: `https://github.test/${member.login}`,
    contributionsCollection: (args: { organizationID?: string | null; from?: string | null; to?: string | null }) => {
      const seen = member.lastContribution !== null && (!args.organizationID || args.organizationID === nodeId('Organization', org.databaseId));
      const inWindow = seen && (!args.from || Date.parse(member.lastContribution!) >= Date.parse(args.from)) && (!args.to || Date.parse(member.lastContribution!) <= Date.parse(args.to));
      const contributions = inWindow ? [{ occurredAt: utc(member.lastContribution!), commitCount: 1 }] : [];
      const empty = (field: string) => (connectionArgs: ConnectionArguments) => connection(field, [], connectionArgs, (item) => item);
      return {
        startedAt: args.from ?? null,
        endedAt: args.to ?? null,
        hasAnyContributions: contributions.length > 0,
        commitContributionsByRepository: () =>
          contributions.length === 0 ? [] : [{ contributions: (connectionArgs: ConnectionArguments) => connection('contributions', contributions, connectionArgs, (item) => item) }],
        issueContributions: empty('issueContributions'),
        pullRequestContributions: empty('pullRequestContributions'),
        pullRequestReviewContributions: empty('pullRequestReviewContributions'),
      };
    },
  };
}

function signatureObject(commit: FakeCommit) {
  return commit.verified ? { __typename: 'GpgSignature', isValid: true, state: 'VALID', wasSignedByGitHub: true } : null;
}

function commitObject(repo: FakeRepo, index: number) {
  const commit = repo.commits[index]!;
  return {
    __typename: 'Commit',
    id: nodeId('Commit', commit.sha),
    oid: commit.sha,
    abbreviatedOid: commit.sha.slice(0, 7),
    committedDate: utc(commit.date),
    authoredDate: utc(commit.date),
    message: `commit ${commit.sha.slice(0, 7)}`,
    url: `https://github.test/${repo.owner}/${repo.name}/commit/${commit.sha}`,
    author: { name: commit.author, email: `${commit.author.replace(/\W+/g, '.')}@example.test`, date: utc(commit.date), user: commit.login ? { __typename: 'User', login: commit.login } : null },
    signature: signatureObject(commit),
    // Only the head commit's tree is known to the fake.
    tree: () => (index === 0 ? rootTreeObject(repo) : null),
    history: (args: ConnectionArguments) => historyConnection(repo, index, args),
  };
}

function historyConnection(repo: FakeRepo, index: number, args: ConnectionArguments) {
  const positions = repo.commits.slice(index).map((_, offset) => index + offset);
  return connection('history', positions, args, (position) => commitObject(repo, position));
}

function blobObject(file: FakeFile) {
  return {
    __typename: 'Blob',
    id: nodeId('Blob', file.oid),
    oid: file.oid,
    byteSize: file.size,
    isBinary: file.text === null,
    isTruncated: false,
    text: file.text,
  };
}

function treeObject(repo: FakeRepo, directory: string) {
  const prefix = directory ? `${directory}/` : '';
  const children = new Map<string, { type: 'blob' | 'tree'; file?: FakeFile }>();
  for (const file of repo.files) {
    if (!file.path.startsWith(prefix)) continue;
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) children.set(rest, { type: 'blob', file });
    else if (!children.has(rest.slice(0, slash))) children.set(rest.slice(0, slash), { type: 'tree' });
  }
  if (directory && children.size === 0) return null;
  const oid = directory ? `${treeOid(repo).slice(0, 20)}${sha1Short(directory)}` : treeOid(repo);
  return {
    __typename: 'Tree',
    id: nodeId('Tree', oid),
    oid,
    entries: [...children.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, child]) => ({
        name,
        path: `${prefix}${name}`,
        type: child.type,
        mode: child.type === 'tree' ? 16384 : 33188,
        oid: child.file ? child.file.oid : `${treeOid(repo).slice(0, 20)}${sha1Short(`${prefix}${name}`)}`,
        object: () => (child.file ? blobObject(child.file) : treeObject(repo, `${prefix}${name}`)),
      })),
  };
}

function sha1Short(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619) >>> 0;
  return hash.toString(16).padStart(8, '0').repeat(3).slice(0, 20);
}

function rootTreeObject(repo: FakeRepo) {
  return treeObject(repo, '');
}

function objectAt(repo: FakeRepo, args: { oid?: string | null; expression?: string | null }) {
  if (isEmptyRepo(repo)) return null;
  if (args.oid) {
    const commitIndex = repo.commits.findIndex((commit) => commit.sha === args.oid);
    if (commitIndex >= 0) return commitObject(repo, commitIndex);
    if (args.oid === treeOid(repo)) return rootTreeObject(repo);
    const file = repo.files.find((candidate) => candidate.oid === args.oid);
    return file ? blobObject(file) : null;
  }
  if (!args.expression) return null;
  const colon = args.expression.indexOf(':');
  const revision = colon === -1 ? args.expression : args.expression.slice(0, colon);
  const head = revision === 'HEAD' || revision === repo.defaultBranch || revision === `refs/heads/${repo.defaultBranch}` || revision === repo.commits[0]!.sha;
  if (!head) return null;
  if (colon === -1) return commitObject(repo, 0);
  const target = args.expression.slice(colon + 1).replace(/^\/+|\/+$/g, '');
  const file = repo.files.find((candidate) => candidate.path === target);
  if (file) return blobObject(file);
  return treeObject(repo, target);
}

function repositoryObject(repo: FakeRepo) {
  const fullName = `${repo.owner}/${repo.name}`;
  const empty = isEmptyRepo(repo);
  const admin = repo.viewerPermission === 'ADMIN';
  return {
    __typename: 'Repository',
    id: nodeId('Repository', repo.databaseId),
    databaseId: repo.databaseId,
    name: repo.name,
    nameWithOwner: fullName,
    url: `https://github.test/${fullName}`,
    isArchived: repo.archived,
    isFork: repo.fork,
    isEmpty: empty,
    isPrivate: repo.private,
    visibility: repo.private ? 'PRIVATE' : 'PUBLIC',
    viewerPermission: repo.viewerPermission,
    pushedAt: empty ? null : utc(repo.commits[0]!.date),
    owner: { __typename: 'Organization', login: repo.owner },
    defaultBranchRef: empty
      ? null
      : {
          __typename: 'Ref',
          id: nodeId('Ref', `${fullName}:${repo.defaultBranch}`),
          name: repo.defaultBranch,
          prefix: 'refs/heads/',
          target: commitObject(repo, 0),
          branchProtectionRule:
            admin && repo.classicProtection
              ? {
                  id: nodeId('BranchProtectionRule', repo.databaseId),
                  pattern: repo.defaultBranch,
                  requiresApprovingReviews: repo.classicProtection.requiredApprovingReviewCount > 0,
                  requiredApprovingReviewCount: repo.classicProtection.requiredApprovingReviewCount,
                  dismissesStaleReviews: repo.classicProtection.dismissesStaleReviews,
                  requiresCodeOwnerReviews: repo.classicProtection.requiresCodeOwnerReviews,
                  requiresStatusChecks: repo.classicProtection.requiresStatusChecks,
                  isAdminEnforced: repo.classicProtection.isAdminEnforced,
                  allowsForcePushes: repo.classicProtection.allowsForcePushes,
                  allowsDeletions: repo.classicProtection.allowsDeletions,
                }
              : null,
        },
    object: (args: { oid?: string | null; expression?: string | null }) => objectAt(repo, args),
    releases: (args: ConnectionArguments) =>
      connection('releases', repo.releases.filter((release) => !release.draft), args, (release) => ({
        __typename: 'Release',
        tagName: release.tag,
        name: release.tag,
        createdAt: utc(release.date),
        publishedAt: utc(release.date),
        isDraft: false,
        isPrerelease: false,
        isLatest: false,
      })),
    rulesets: (args: ConnectionArguments) => {
      if (!admin) throw new TypedError('FORBIDDEN', `Resource not accessible by integration`);
      return connection('rulesets', repo.rulesets, args, (ruleset) => ({
        __typename: 'RepositoryRuleset',
        id: nodeId('RepositoryRuleset', ruleset.databaseId),
        databaseId: ruleset.databaseId,
        name: ruleset.name,
        enforcement: ruleset.enforcement,
        target: ruleset.target,
        conditions: { refName: { include: ruleset.include, exclude: ruleset.exclude }, repositoryName: null, repositoryId: null, repositoryProperty: null },
        rules: (ruleArgs: ConnectionArguments) => connection('rules', ruleset.rules, ruleArgs, (type) => ({ __typename: 'RepositoryRule', id: nodeId('RepositoryRule', `${ruleset.databaseId}:${type}`), type })),
      }));
    },
    pullRequests: (args: ConnectionArguments & { states?: string[] | null }) =>
      connection('pullRequests', repo.pullRequests.filter((pull) => !args.states || args.states.includes(pull.state)), args, (pull) => ({
        __typename: 'PullRequest',
        number: pull.number,
        state: pull.state,
        createdAt: utc(pull.createdAt),
        mergedAt: pull.mergedAt ? utc(pull.mergedAt) : null,
        closedAt: pull.closedAt ? utc(pull.closedAt) : null,
        author: { __typename: /^(dependabot|renovate|pre-commit-ci)$/.test(pull.author) ? 'Bot' : 'User', login: pull.author },
      })),
  };
}
