/**
 * The GitHub API collector (collect layer: I/O only, no judgement): GraphQL
 * pages of 50 repositories for everything GraphQL has; REST only for what it
 * lacks (private vulnerability reporting, Dependabot alerts, Actions secrets'
 * names, the org's default workflow permissions, outside collaborators, the
 * recursive tree); file texts by blob id in GraphQL batches. REST answers are
 * revalidated with their ETags (a 304 is free against the rate limit); trees
 * and blobs are kept by git object id and never asked for again. This file
 * wires the parts; each API area has its own module. See ../github.md.
 */
import { systemClock } from '../../../core/clock.js';
import { silentSink } from '../../../core/events.js';
import { known, unavailable, type Fact, type MemberFact, type RepoFacts, type RepoFile } from '../../types.js';
import type { OrgCollection, PostureCollector } from '../collector.js';
import { COMMITS_PER_REPOSITORY, RELEASES_PER_REPOSITORY } from '../history.js';
import { isWorkflowPath, MAX_POSTURE_FILE_BYTES, selectPostureFiles } from '../posture-files.js';
import { createBestPracticesLookup } from './best-practices.js';
import { repoFacts, splitName, type RepositoryAnswers } from './facts.js';
import { fetchBlobs, type SizedBlobRequest } from './graphql/blobs.js';
import { collectMembers } from './graphql/members.js';
import { listOrgRepositories, readRepository, type HistoryVariables, type ListedRepository } from './graphql/repositories.js';
import { createGraphqlRequest } from './graphql/request.js';
import { createGitObjects } from './objects.js';
import type { GithubCollectorOptions, GithubRequestStats } from './options.js';
import { readOrgSettings } from './rest/org.js';
import { readRepositorySettings } from './rest/repository.js';
import { createRestClient } from './rest/requests.js';
import { readTree, type TreeListing } from './rest/trees.js';
import { createGithubTransport } from './transport.js';

export interface GithubCollector extends PostureCollector {
  readonly source: 'api';
  /** Several organisations, `lanes` at a time; results in the order given. */
  collectOrgs(orgs: readonly string[]): Promise<OrgCollection[]>;
  stats(): GithubRequestStats;
}

export function createGithubCollector(options: GithubCollectorOptions = {}): GithubCollector {
  const clock = options.clock ?? systemClock;
  const events = options.events ?? silentSink;
  const cache = options.cache ?? null;
  const sleep = options.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const history: HistoryVariables = {
    commits: options.commitsPerRepository ?? COMMITS_PER_REPOSITORY,
    releases: options.releasesPerRepository ?? RELEASES_PER_REPOSITORY,
    pullRequests: options.pullRequestsPerRepository ?? 30,
  };
  const activityWindowDays = Math.min(365, options.activityWindowDays ?? 365);
  const maxFileBytes = options.maxFileBytes ?? MAX_POSTURE_FILE_BYTES;

  const transport = createGithubTransport({ ...options, sleep });
  const rest = createRestClient({ transport, cache, clock });
  const graphql = createGraphqlRequest(transport);
  const objects = createGitObjects(cache);
  const bestPractices = createBestPracticesLookup(options.bestPractices, { clock, sleep, transport });

  /** The tree, the posture files to read, the REST settings and the badge of one repository (its file texts come later, in batches). */
  async function repositoryAnswers({ node }: ListedRepository): Promise<RepositoryAnswers> {
    const [owner, name] = splitName(node.nameWithOwner);
    const treeOid = node.defaultBranchRef?.target?.tree?.oid;
    const tree = node.isEmpty
      ? known({ truncated: false, entries: [] })
      : treeOid
        ? await readTree({ rest, objects, transport }, owner, name, treeOid)
        : unavailable<TreeListing>('GitHub gave no tree for the default branch');
    const selected = tree.available
      ? selectPostureFiles(
          tree.value.entries.map((entry) => ({ path: entry[0], size: entry[2], entry })),
          { maxBytes: maxFileBytes },
        ).read.map(({ entry }) => entry)
      : [];
    const hasWorkflows = tree.available && tree.value.entries.some(([path]) => isWorkflowPath(path));
    const [settings, badge] = await Promise.all([
      readRepositorySettings(
        rest,
        owner,
        name,
        node.isArchived
          ? { ask: false, reason: 'not looked up: the repository is archived, so none of its workflows run' }
          : !hasWorkflows
            ? { ask: false, reason: 'not looked up: the repository has no workflows, so no workflow uses a secret' }
            : { ask: true },
      ),
      bestPractices(node.nameWithOwner, transport.lane().signal),
    ]);
    return { node, tree, selected, ...settings, bestPracticesBadge: badge };
  }

  /** Waits for every repository's answers, fetches their file texts in batches, and builds the facts. */
  async function finish(items: { repository: ListedRepository; answers: Promise<RepositoryAnswers> }[], orgPolicy: Fact<RepoFile | null>, task: string): Promise<RepoFacts[]> {
    let done = 0;
    const answers = await Promise.all(
      items.map((item) =>
        item.answers.then((answer) => {
          events.emit({ type: 'progress', task, done: ++done, total: items.length, detail: answer.node.nameWithOwner });
          return answer;
        }),
      ),
    );
    const blobs: SizedBlobRequest[] = [];
    for (const answer of answers) {
      const [owner, name] = splitName(answer.node.nameWithOwner);
      for (const [, oid, size] of answer.selected) blobs.push({ owner, name, oid, size });
    }
    await fetchBlobs({ graphql, objects, transport }, blobs);
    return answers.map((answer, index) => {
      const files: RepoFile[] = [];
      for (const [path, oid] of answer.selected) {
        const text = objects.get('blob', oid);
        if (text !== null) files.push({ path, text });
      }
      const { repository } = items[index]!;
      return repoFacts(answer, files, orgPolicy, repository.errors, repository.errorPath);
    });
  }

  async function collectOrg(org: string): Promise<OrgCollection> {
    const task = `github ${org}`;
    const items: { repository: ListedRepository; answers: Promise<RepositoryAnswers> }[] = [];
    const orgSettings = readOrgSettings(rest, org);
    // Attach a handler now: the promise is awaited only after the listing.
    orgSettings.catch(() => {});
    const listing = await listOrgRepositories(
      { graphql, transport },
      org,
      history,
      (repository) => {
        const answers = repositoryAnswers(repository);
        answers.catch(() => {});
        items.push({ repository, answers });
      },
      (listed, total) => events.emit({ type: 'progress', task: `${task} listing`, done: listed, total }),
    );
    const repos = await finish(items, listing.orgPolicy, task);
    const members: Fact<MemberFact[]> = await collectMembers({ graphql, transport, clock }, org, listing.orgId, activityWindowDays);
    return { org: { org, twoFactorRequired: listing.twoFactorRequired, members, ...(await orgSettings) }, repos };
  }

  async function collectRepo(owner: string, name: string): Promise<RepoFacts> {
    const { repository, orgPolicy } = await readRepository({ graphql, transport }, owner, name, history);
    const [facts] = await finish([{ repository, answers: repositoryAnswers(repository) }], orgPolicy, `github ${owner}/${name}`);
    return facts!;
  }

  return {
    source: 'api',

    stats: () => ({ ...transport.stats, byRoute: { ...transport.stats.byRoute } }),

    collectOrg(org) {
      return transport.inLane(org, () => collectOrg(org));
    },

    async collectOrgs(orgs) {
      const results: OrgCollection[] = new Array(orgs.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: transport.laneCount }, async () => {
          while (next < orgs.length) {
            const index = next++;
            results[index] = await transport.inLane(orgs[index]!, () => collectOrg(orgs[index]!));
          }
        }),
      );
      return results;
    },

    collectRepo(owner, name) {
      return transport.inLane(`${owner}/${name}`, () => collectRepo(owner, name));
    },
  };
}
