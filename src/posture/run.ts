import { systemClock, type Clock } from '../core/clock.js';
import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { evaluateOrg, evaluateRepo } from './checks/index.js';
import type { GithubCollector } from './collect/github.js';
import { collectLocalRepo, findLocalRepos } from './collect/local.js';
import { remediationHints, type RepoRemediationHints } from './fix/hints.js';
import { rankRepositories, type GraphHistoryAnswer, type NamedPackage, type RepoImportance } from './importance.js';
import { lookUpPackageReleases, type RegistryConnector } from './package-releases.js';
import type { CheckId, OrgCheckId, OrgFacts, PostureReport, RepoFacts } from './types.js';
import { applyWaivers, loadWaivers, unusedWaivers, type Waiver } from './waivers.js';

/**
 * The posture pipeline, for every front end: collect (the GitHub API for
 * organisations and repositories, checkouts for local folders) → merge →
 * evaluate the checks → apply waivers → rank by importance → remediation
 * hints. It prints nothing and opens no store: the front end hands it a
 * GitHub connection, the graph history and a way to turn errors into
 * sentences, and renders what comes back.
 */

export type SourceStatus = PostureReport['sources'][number];

/** Facts from every source asked, and how each source fared. */
export interface CollectedFacts {
  repos: RepoFacts[];
  orgs: OrgFacts[];
  sources: SourceStatus[];
}

export interface CollectRequest {
  /** Organisations (all their repositories), through the API. */
  orgs: readonly string[];
  /** Single `owner/name` repositories, through the API. */
  repos: readonly string[];
  /** Checkouts, or folders of checkouts. */
  local: readonly string[];
}

/** The GitHub API as the run uses it; the front end builds it (token, cache, HTTP client) and `close` releases what it opened. */
export interface GithubConnection {
  collector: Pick<GithubCollector, 'collectOrg' | 'collectRepo'>;
  close(): Promise<void>;
}

export interface CollectDependencies {
  /** Each API collection (`github ORG`, `github OWNER/NAME`) is a step said as it starts and ends: never a silent wait. */
  events: EventSink;
  /** Times the steps (default the system clock). */
  clock?: Clock;
  /**
   * Called once, and only when organisations or repositories are asked for;
   * `unavailable` says why there is no API (no token): the source is then
   * listed as unreachable with that reason.
   */
  connectGithub(): Promise<GithubConnection | { unavailable: string }>;
  /** The sentence an unreachable source shows for an error (the front end's: redacted, STYLE rule 7). */
  describeError(error: unknown): string;
}

/** Which input of the run was bad; the front end names the option it came from. */
export type PostureInput = 'local' | 'waivers' | 'importance' | 'history';

export interface BadInput {
  kind: 'bad-input';
  input: PostureInput;
  error: ChainwatchError;
}

/**
 * Collects facts. A source that fails is listed as unreachable and the rest
 * goes on; a local folder that cannot be read is bad input. The same
 * repository from the API and a checkout is kept once: the API knows more.
 */
export async function collectFacts(request: CollectRequest, dependencies: CollectDependencies): Promise<Result<CollectedFacts, BadInput>> {
  const facts: CollectedFacts = { repos: [], orgs: [], sources: [] };
  if (request.orgs.length > 0 || request.repos.length > 0) {
    const github = await dependencies.connectGithub();
    if ('unavailable' in github) {
      facts.sources.push({ name: 'github', reachable: false, error: github.unavailable });
    } else {
      try {
        // One source per organisation or repository that failed, so the others still count as reached.
        const failures: SourceStatus[] = [];
        let reached = 0;
        for (const org of request.orgs) {
          const step = startStep(`github ${org}`, 'collecting the organisation through the API', dependencies);
          try {
            const collected = await github.collector.collectOrg(org);
            facts.orgs.push(collected.org);
            for (const repo of collected.repos) facts.repos.push(repo);
            reached++;
            step.done(count(collected.repos.length, 'repository', 'repositories'));
          } catch (error) {
            const described = dependencies.describeError(error);
            step.failed(described);
            failures.push({ name: `github ${org}`, reachable: false, error: described });
          }
        }
        for (const repo of request.repos) {
          const [owner, name] = repo.split('/') as [string, string];
          const step = startStep(`github ${repo}`, 'collecting the repository through the API', dependencies);
          try {
            facts.repos.push(await github.collector.collectRepo(owner, name));
            reached++;
            step.done();
          } catch (error) {
            const described = dependencies.describeError(error);
            step.failed(described);
            failures.push({ name: `github ${repo}`, reachable: false, error: described });
          }
        }
        if (reached > 0) facts.sources.push({ name: 'github', reachable: true });
        for (const failure of failures) facts.sources.push(failure);
      } finally {
        await github.close();
      }
    }
  }
  if (request.local.length > 0) {
    // Checkouts are read without steps: no network, seconds at most, and their problems are notes already.
    for (const directory of request.local) {
      try {
        for (const checkout of await findLocalRepos(directory)) facts.repos.push(await collectLocalRepo(checkout, { events: dependencies.events }));
      } catch (error) {
        // The collector's errors name the folder already: the location says which input it was, for the front end.
        const message = error instanceof Error ? error.message : String(error);
        const code = error instanceof ChainwatchError ? error.code : 'unreadable-file';
        return fail({ kind: 'bad-input', input: 'local', error: new ChainwatchError(code, message, { location: { path: directory }, cause: error }) });
      }
    }
    facts.sources.push({ name: 'local', reachable: true });
  }
  const seen = new Map<string, RepoFacts>();
  for (const repo of facts.repos) {
    const key = repo.repo.toLowerCase();
    const current = seen.get(key);
    if (!current || (current.source === 'local' && repo.source === 'api')) seen.set(key, repo);
  }
  facts.repos = [...seen.values()];
  return ok(facts);
}

/** Says a step started, and later that it ended, with the time it took. */
function startStep(name: string, doing: string, dependencies: Pick<CollectDependencies, 'events' | 'clock'>): { done(detail?: string): void; failed(detail?: string): void } {
  const clock = dependencies.clock ?? systemClock;
  const started = clock.now().getTime();
  dependencies.events.emit({ type: 'step', step: name, state: 'started', detail: doing });
  const end = (state: 'done' | 'failed', detail: string | undefined): void =>
    dependencies.events.emit({ type: 'step', step: name, state, durationMs: Math.max(0, clock.now().getTime() - started), ...(detail === undefined ? {} : { detail }) });
  return { done: (detail) => end('done', detail), failed: (detail) => end('failed', detail) };
}

function count(value: number, one: string, many: string): string {
  return `${value} ${value === 1 ? one : many}`;
}

export interface PostureRequest {
  orgs: readonly string[];
  local: readonly string[];
  /** Only these checks (default: all). */
  checks?: readonly (CheckId | OrgCheckId)[];
  /** A waiver file (src/posture/waivers.ts). */
  waiversPath?: string;
  /** A YAML list of `owner/name`, most important first. */
  importanceListPath?: string;
  /** The config's packages, in the order written: matched to repositories for importance. */
  packages: readonly NamedPackage[];
  /** Work out remediation hints (the Markdown report names them). */
  hints: boolean;
}

export interface PostureDependencies extends CollectDependencies {
  clock: Clock;
  /** The graph history for importance by reach (the front end opens the store); none: not used. */
  latestGraph?: () => Promise<GraphHistoryAnswer>;
  /**
   * The registries, for the release dates of the packages each repository
   * publishes (package-releases.ts; `maintained` counts a release as
   * activity); none: not asked, and those dates are unknown.
   */
  registryReleases?: RegistryConnector;
}

/** Something the front end should say, in the order it happened; the run went on. */
export type PostureNote =
  /** A waiver that matched no result (a typo, or a check that passes now). Not noted when only some checks ran. */
  | { kind: 'unused-waiver'; waiver: Waiver }
  /** The graph history could not be read: importance comes from the other sources. */
  | { kind: 'graph-history-not-used'; error: unknown }
  /** The latest graph snapshot was read, but none of its packages names a repository of this run. */
  | { kind: 'graph-history-names-none' };

export interface PostureRun {
  kind: 'report';
  report: PostureReport;
  importance: RepoImportance[];
  /** Where the importance came from ('' when from nowhere). */
  importanceNote: string;
  hints?: Map<string, RepoRemediationHints>;
}

export type PostureOutcome = { notes: PostureNote[] } & (PostureRun | BadInput | { kind: 'nothing-collected'; sources: SourceStatus[] });

/**
 * `chainwatch posture` as a function: collect, evaluate, apply waivers, rank,
 * hint. Nothing collected at all is its own outcome (the sources say why).
 */
export async function runPosture(request: PostureRequest, dependencies: PostureDependencies): Promise<PostureOutcome> {
  const notes: PostureNote[] = [];
  const collected = await collectFacts({ orgs: request.orgs, repos: [], local: request.local }, dependencies);
  if (!collected.ok) return { notes, ...collected.error };
  const facts = collected.value;
  if (facts.repos.length === 0 && facts.orgs.length === 0) return { notes, kind: 'nothing-collected', sources: facts.sources };

  const evaluation = { clock: dependencies.clock, ...(request.checks && request.checks.length > 0 ? { checks: [...request.checks] } : {}) };
  let repos = facts.repos;
  let sources = facts.sources;
  // Only `maintained` reads release dates: a run without it asks no registry.
  if (dependencies.registryReleases && (evaluation.checks === undefined || evaluation.checks.includes('maintained'))) {
    const releases = await lookUpPackageReleases(repos, { packages: request.packages, connect: dependencies.registryReleases, describeError: dependencies.describeError, events: dependencies.events });
    repos = releases.repos;
    sources = [...sources, ...releases.sources];
  }
  let report: PostureReport = {
    repos: repos.map((repo) => evaluateRepo(repo, evaluation)),
    orgs: facts.orgs.map((org) => evaluateOrg(org, evaluation)).filter((org) => org.checks.length > 0),
    expiredWaivers: [],
    sources,
  };
  if (request.waiversPath !== undefined) {
    const waivers = loadWaivers(request.waiversPath);
    if (!waivers.ok) return { notes, kind: 'bad-input', input: 'waivers', error: waivers.error };
    const unused = unusedWaivers(report, waivers.value);
    report = applyWaivers(report, waivers.value, dependencies.clock);
    // With a selection of checks, waivers of the checks left out match nothing by design.
    if (evaluation.checks === undefined) for (const waiver of unused) notes.push({ kind: 'unused-waiver', waiver });
  }

  const ranking = await rankRepositories(
    facts.repos.map((repo) => repo.repo),
    {
      packages: request.packages,
      ...(request.importanceListPath !== undefined ? { listPath: request.importanceListPath } : {}),
      ...(dependencies.latestGraph ? { latestGraph: dependencies.latestGraph } : {}),
    },
  );
  if (ranking.kind === 'bad-input') return { notes, ...ranking };
  if ('historyError' in ranking) notes.push({ kind: 'graph-history-not-used', error: ranking.historyError });
  if (ranking.historyNamesNone) notes.push({ kind: 'graph-history-names-none' });
  return {
    notes,
    kind: 'report',
    report,
    importance: ranking.importance,
    importanceNote: ranking.note,
    ...(request.hints ? { hints: remediationHints(facts.repos) } : {}),
  };
}
