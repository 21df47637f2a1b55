import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { githubGraphqlSchema, queryCost } from '../../../../../test/fake-github/graphql.js';
import { COMMITS_PER_REPOSITORY, RELEASES_PER_REPOSITORY } from '../../history.js';
import { blobsQuery, ORG_MEMBERS_QUERY, ORG_REPOSITORIES_QUERY, REPOSITORY_PAGE_SIZE, REPOSITORY_QUERY } from './queries.js';

// The history both collectors read (history.ts): its depth does not change the cost.
const variables = { org: 'jupyter', pageSize: REPOSITORY_PAGE_SIZE, commits: COMMITS_PER_REPOSITORY, releases: RELEASES_PER_REPOSITORY, pullRequests: 30, withOrg: true };

describe('the collector GraphQL', () => {
  it.each([
    ['OrgRepositories', ORG_REPOSITORIES_QUERY],
    ['Repository', REPOSITORY_QUERY],
    ['OrgMembers', ORG_MEMBERS_QUERY],
    ['Blobs', blobsQuery([{ owner: 'jupyter', name: 'nbformat', oid: 'a'.repeat(40) }]).query],
  ])('%s is valid against GitHub’s published schema', (_, query) => {
    expect(validate(githubGraphqlSchema(), parse(query)).map((error) => error.message)).toEqual([]);
  });

  it('costs 5 points a page of 50 repositories (1 + 50 × 4 connections + 50 × 5 rule lists = 451 requests)', () => {
    expect(queryCost(parse(ORG_REPOSITORIES_QUERY), variables)).toBe(5);
    expect(queryCost(parse(ORG_MEMBERS_QUERY), { pageSize: 50 })).toBe(2);
  });

  it('asks for many blobs in one query, grouped by repository, with an alias for each', () => {
    const { query, aliases } = blobsQuery([
      { owner: 'jupyter', name: 'nbformat', oid: '1'.repeat(40) },
      { owner: 'jupyterlab', name: 'lumino', oid: '2'.repeat(40) },
      { owner: 'jupyter', name: 'nbformat', oid: '3'.repeat(40) },
    ]);
    expect([...aliases.entries()].map(([alias, request]) => [alias, request.oid[0]])).toEqual([
      ['r0.b0', '1'],
      ['r0.b1', '3'],
      ['r1.b0', '2'],
    ]);
    expect(query).toContain('r0: repository(owner: "jupyter", name: "nbformat") { b0: object(oid: "1111111111111111111111111111111111111111")');
    expect(query.match(/repository\(/g)).toHaveLength(2);
  });
});
