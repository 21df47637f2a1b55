import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { systemClock, type Clock } from '../../core/clock.js';
import type { EventSink } from '../../core/events.js';
import type { GithubCollector, GithubCollectorOptions } from '../../posture/collect/github.js';
import { CHECK_IDS, ORG_CHECK_IDS, type CheckId, type OrgCheckId, type OrgFacts, type PostureReport, type RepoFacts } from '../../posture/types.js';
import type { PostureFormat, RepoImportance, RepoRemediationHints } from '../../report/posture/types.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { redactSecrets } from '../redact.js';
import { userHttpCache } from '../stores.js';
import { TOOL_VERSION } from '../version.js';
import { collect, parseChoice } from '../options.js';

export const POSTURE_FORMAT_CHOICES = ['table', 'json', 'sarif', 'markdown'] as const satisfies readonly PostureFormat[];
/** `fail`: exit 1 when a check fails; `partial`: also when one is partial; `never`: exit 0 whatever the outcomes. */
export const POSTURE_FAIL_ON = ['fail', 'partial', 'never'] as const;
export type PostureFailOn = (typeof POSTURE_FAIL_ON)[number];

export interface PostureCommandOptions {
  org: string[];
  local: string[];
  config?: string;
  check: string[];
  waivers?: string;
  format: PostureFormat;
  failOn: PostureFailOn;
  /** A YAML/JSON list of `owner/name`, most important first. */
  importance?: string;
  /** The graph history to take reach from (default: the usual one, when it exists). */
  history?: string;
  /** Ask the OpenSSF Best Practices site for each repository's badge (one request a second). */
  bestPractices?: boolean;
  /** Seconds all GitHub rate-limit waits may take together (default 900). */
  maxRateLimitWait?: number;
}

/** Default of --max-rate-limit-wait: a quarter of an hour, said on stderr while it lasts. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 900;

/** What the commands need from outside, injectable in tests. */
export interface PostureDependencies {
  clock?: Clock;
  /** Builds the GitHub collector (tests point it at the fake server). */
  githubCollector?: (options: GithubCollectorOptions) => GithubCollector;
}

/** Facts from every source asked, and how each source fared. */
export interface CollectedFacts {
  repos: RepoFacts[];
  orgs: OrgFacts[];
  sources: PostureReport['sources'];
}

export type CollectionResult = { ok: true; facts: CollectedFacts } | { ok: false; message: string };

/** The token the GitHub API gets: GH_TOKEN, else GITHUB_TOKEN. Never printed, logged or stored. */
export function githubToken(env: NodeJS.ProcessEnv): string | undefined {
  return env.GH_TOKEN?.trim() || env.GITHUB_TOKEN?.trim() || undefined;
}

export const NO_TOKEN = 'no GH_TOKEN or GITHUB_TOKEN in the environment';

/**
 * Collects facts: organisations (all their repositories) and single
 * repositories through the GitHub API when a token is there, local checkouts
 * always. A source that fails is listed as unreachable and the run goes on;
 * a --local folder that does not exist is bad input.
 */
export async function collectFacts(
  io: CliIo,
  request: { orgs: readonly string[]; repos: readonly string[]; local: readonly string[]; bestPractices?: boolean; maxRateLimitWaitSeconds?: number },
  dependencies: PostureDependencies,
  events: EventSink,
): Promise<CollectionResult> {
  const facts: CollectedFacts = { repos: [], orgs: [], sources: [] };
  if (request.orgs.length > 0 || request.repos.length > 0) {
    const token = githubToken(io.env);
    if (token === undefined) {
      facts.sources.push({ name: 'github', reachable: false, error: NO_TOKEN });
    } else {
      const [{ createGithubCollector }, { defaultGithubCachePath, openGithubCache }] = await Promise.all([import('../../posture/collect/github.js'), import('../../store/github-cache.js')]);
      let cache = null;
      try {
        cache = openGithubCache(defaultGithubCachePath(io.env));
      } catch (error) {
        warn(io, `chainwatch: GitHub cache not used: ${describeError(error)}`);
      }
      try {
        const make = dependencies.githubCollector ?? createGithubCollector;
        // The badge site allows one request a second: asked only on request, through the shared HTTP layer (cache, offline, retries).
        const bestPractices = request.bestPractices
          ? { client: (await import('../../http/client.js')).createHttpClient({ openCache: await userHttpCache(io.env) }) }
          : undefined;
        const collector = make({
          token,
          env: io.env,
          clock: dependencies.clock ?? systemClock,
          events,
          cache,
          maxRateLimitWaitSeconds: request.maxRateLimitWaitSeconds ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
          ...(bestPractices ? { bestPractices } : {}),
        });
        // One source per organisation or repository that failed, so the others still count as reached.
        const failures: PostureReport['sources'] = [];
        let reached = 0;
        for (const org of request.orgs) {
          try {
            const collected = await collector.collectOrg(org);
            facts.orgs.push(collected.org);
            facts.repos.push(...collected.repos);
            reached++;
          } catch (error) {
            failures.push({ name: `github ${org}`, reachable: false, error: redactSecrets(describeError(error), io.env) });
          }
        }
        for (const repo of request.repos) {
          const [owner, name] = repo.split('/') as [string, string];
          try {
            facts.repos.push(await collector.collectRepo(owner, name));
            reached++;
          } catch (error) {
            failures.push({ name: `github ${repo}`, reachable: false, error: redactSecrets(describeError(error), io.env) });
          }
        }
        if (reached > 0) facts.sources.push({ name: 'github', reachable: true });
        facts.sources.push(...failures);
        await bestPractices?.client.close();
      } finally {
        cache?.close();
      }
    }
  }
  if (request.local.length > 0) {
    const { collectLocalRepo, findLocalRepos } = await import('../../posture/collect/local.js');
    for (const directory of request.local) {
      try {
        for (const checkout of await findLocalRepos(directory)) facts.repos.push(await collectLocalRepo(checkout, { events }));
      } catch (error) {
        // The collector's errors name the folder already; --local says which option it was.
        return { ok: false, message: `--local ${directory}: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    facts.sources.push({ name: 'local', reachable: true });
  }
  // The same repository from the API and a checkout: the API knows more.
  const seen = new Map<string, RepoFacts>();
  for (const repo of facts.repos) {
    const key = repo.repo.toLowerCase();
    const current = seen.get(key);
    if (!current || (current.source === 'local' && repo.source === 'api')) seen.set(key, repo);
  }
  facts.repos = [...seen.values()];
  return { ok: true, facts };
}

/** What the Markdown report names precisely: ecosystems to add, unpinned `uses:`, workflows without permissions. */
export async function remediationHints(repos: readonly RepoFacts[]): Promise<Map<string, RepoRemediationHints>> {
  const [{ findDependabotGap }, { findUnpinnedReferences }, { findWorkflowPermissionProblems }] = await Promise.all([
    import('../../posture/fix/dependabot.js'),
    import('../../posture/fix/pin-actions.js'),
    import('../../posture/fix/token-permissions.js'),
  ]);
  const hints = new Map<string, RepoRemediationHints>();
  for (const facts of repos) {
    const entry: RepoRemediationHints = {
      unpinnedActions: findUnpinnedReferences(facts.files).references.map((reference) => ({ file: reference.file, line: reference.line, uses: reference.uses, githubOwned: reference.githubOwned })),
      workflowPermissions: findWorkflowPermissionProblems(facts.files),
    };
    if (facts.paths.available) {
      const gap = findDependabotGap(facts.paths.value, facts.files);
      entry.dependabot = { file: gap.file, renovate: gap.renovate, toAdd: gap.toAdd };
    }
    hints.set(facts.repo, entry);
  }
  return hints;
}

/**
 * Importance for ordering: an explicit list (--importance), the config's
 * packages matched to repositories, and the reach of their packages in the
 * latest graph snapshot, merged (highest score wins).
 */
async function readImportance(
  io: CliIo,
  options: PostureCommandOptions,
  repos: readonly string[],
  packages: readonly { ecosystem: string; name: string }[],
): Promise<{ ok: true; importance: RepoImportance[]; note: string } | { ok: false; message: string }> {
  const { importanceFromGraph, importanceFromList, importanceFromPackages, mergeImportance } = await import('../../report/posture/importance.js');
  const sources: RepoImportance[][] = [];
  const used: string[] = [];
  if (options.importance !== undefined) {
    const list = await readRepoList(options.importance);
    if (!list.ok) return list;
    sources.push(importanceFromList(list.repos, `in ${options.importance}`));
    used.push(`the list in ${options.importance}`);
  }
  if (packages.length > 0) {
    const fromPackages = importanceFromPackages(packages, repos);
    if (fromPackages.length > 0) {
      sources.push(fromPackages);
      used.push("the order of the config's packages");
    }
  }
  const { defaultGraphStorePath, openGraphStore } = await import('../../store/graph-store.js');
  const historyPath = options.history ?? defaultGraphStorePath(io.env);
  if (existsSync(historyPath)) {
    try {
      const store = openGraphStore(historyPath, { readonly: true });
      try {
        const latest = store.resolveReference('latest');
        const graph = latest.ok ? store.loadSnapshot(latest.value)?.graph : undefined;
        const fromGraph = graph ? importanceFromGraph(graph, repos) : [];
        if (fromGraph.length > 0) {
          sources.push(fromGraph);
          used.push('the reach of their packages in the latest graph snapshot');
        }
      } finally {
        store.close();
      }
    } catch (error) {
      warn(io, `chainwatch: graph history not used for importance: ${describeError(error)}`);
    }
  } else if (options.history !== undefined) {
    return { ok: false, message: `--history ${options.history}: no such file` };
  }
  return { ok: true, importance: mergeImportance(...sources), note: used.length > 0 ? `importance from ${used.join(', ')}` : '' };
}

async function readRepoList(path: string): Promise<{ ok: true; repos: string[] } | { ok: false; message: string }> {
  const [{ readFile }, { parse }] = await Promise.all([import('node:fs/promises'), import('yaml')]);
  let value: unknown;
  try {
    value = parse(await readFile(path, 'utf8'));
  } catch (error) {
    return { ok: false, message: `--importance ${path}: ${describeError(error)}` };
  }
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' && REPO_NAME.test(entry))) {
    return { ok: false, message: `--importance ${path}: expected a list of owner/name, most important first` };
  }
  return { ok: true, repos: value as string[] };
}

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;

export function parseRepoName(value: string): string {
  if (!REPO_NAME.test(value)) throw new InvalidArgumentError(`expected owner/name, got ${JSON.stringify(value)}`);
  return value;
}

/** `90`, `90s`, `15m`, `1.5h` → seconds. */
export function parseWaitDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected a duration such as 90s, 15m or 1h, got ${JSON.stringify(value)}`);
  return Number(match[1]) * (match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1);
}

export function parseCheckId(value: string): CheckId | OrgCheckId {
  const ids: readonly string[] = [...CHECK_IDS, ...ORG_CHECK_IDS];
  if (!ids.includes(value)) throw new InvalidArgumentError(`unknown check ${JSON.stringify(value)} (known: ${ids.join(', ')})`);
  return value as CheckId | OrgCheckId;
}

/** The exit code for a rendered report: 1 when a check that is not waived reaches --fail-on. */
export function postureExitCode(report: PostureReport, failOn: PostureFailOn): number {
  if (failOn === 'never') return 0;
  const failing = new Set<string>(failOn === 'partial' ? ['fail', 'partial'] : ['fail']);
  const checks = [...report.repos.flatMap((repo) => repo.checks), ...report.orgs.flatMap((org) => org.checks)];
  return checks.some((check) => !check.waiver && failing.has(check.outcome)) ? 1 : 0;
}

/**
 * `chainwatch posture`: collect (API for --org with a token, checkouts for
 * --local), evaluate, apply waivers, render.
 * Exit codes: 0 report written and nothing at --fail-on; 1 a check that is not
 * waived fails (or, with --fail-on partial, is partial); 2 bad input (an
 * unknown check, an unreadable --local folder, config or waiver file) or
 * nothing could be collected at all (the sources say why).
 */
export async function runPosture(io: CliIo, options: PostureCommandOptions, dependencies: PostureDependencies = {}): Promise<number> {
  const clock = dependencies.clock ?? systemClock;
  let orgs = [...new Set(options.org)];
  let packages: { ecosystem: string; name: string }[] = [];
  if (options.config !== undefined) {
    const { loadConfigFile } = await import('../../config/config.js');
    const config = loadConfigFile(options.config);
    if (!config.ok) {
      warn(io, `chainwatch: ${config.error.describe()}`);
      return 2;
    }
    if (orgs.length === 0) orgs = config.value.orgs;
    packages = config.value.roots.map((root) => ({ ecosystem: root.ecosystem, name: root.name }));
  }
  if (orgs.length === 0 && options.local.length === 0) {
    warn(io, 'chainwatch: nothing to check: give --org ORG (with GH_TOKEN), --local DIR, or --config FILE with orgs');
    return 2;
  }

  const renderer = eventRenderer(io);
  let collected: CollectionResult;
  try {
    collected = await collectFacts(
      io,
      { orgs, repos: [], local: options.local, bestPractices: options.bestPractices ?? false, maxRateLimitWaitSeconds: options.maxRateLimitWait ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS },
      dependencies,
      renderer,
    );
  } finally {
    renderer.stop();
  }
  if (!collected.ok) {
    warn(io, `chainwatch: ${collected.message}`);
    return 2;
  }
  const facts = collected.facts;
  if (facts.repos.length === 0 && facts.orgs.length === 0) {
    for (const source of facts.sources.filter((entry) => !entry.reachable)) warn(io, `chainwatch: ${source.name} unreachable: ${source.error ?? 'unknown error'}`);
    warn(io, 'chainwatch: no repository could be collected');
    return 2;
  }

  const { evaluateOrg, evaluateRepo } = await import('../../posture/checks/index.js');
  const selected = options.check.length > 0 ? (options.check as (CheckId | OrgCheckId)[]) : undefined;
  const evaluation = { clock, ...(selected ? { checks: selected } : {}) };
  let report: PostureReport = {
    repos: facts.repos.map((repo) => evaluateRepo(repo, evaluation)),
    orgs: facts.orgs.map((org) => evaluateOrg(org, evaluation)).filter((org) => org.checks.length > 0),
    expiredWaivers: [],
    sources: facts.sources,
  };
  if (options.waivers !== undefined) {
    const waived = await applyWaiverFile(options.waivers, report, clock);
    if (!waived.ok) {
      warn(io, `chainwatch: ${waived.message}`);
      return 2;
    }
    report = waived.report;
    // With --check, waivers of the checks left out match nothing by design.
    if (options.check.length === 0) {
      for (const waiver of waived.unused) warn(io, `chainwatch: ${waiver.location.path}:${waiver.location.line}: the waiver for ${waiver.repo} ${waiver.check} matches no result`);
    }
  }

  const importance = await readImportance(io, options, facts.repos.map((repo) => repo.repo), packages);
  if (!importance.ok) {
    warn(io, `chainwatch: ${importance.message}`);
    return 2;
  }
  const { renderPosture } = await import('../../report/posture/index.js');
  const hints = options.format === 'markdown' ? await remediationHints(facts.repos) : undefined;
  const text = renderPosture(report, options.format, {
    importance: importance.importance,
    importanceNote: importance.note,
    toolVersion: TOOL_VERSION,
    ...(hints ? { hints } : {}),
  });
  io.stdout.write(redactSecrets(text, io.env));
  return postureExitCode(report, options.failOn);
}

/**
 * Reads a waiver file (src/posture/waivers.ts) and applies it: waived results
 * keep their outcome and carry the waiver; expired waivers are listed, not
 * applied. `unused` names the waivers that matched no result (a typo, or a
 * check that passes now).
 */
export async function applyWaiverFile(
  path: string,
  report: PostureReport,
  clock: Clock,
): Promise<{ ok: true; report: PostureReport; unused: { repo: string; check: string; location: { path: string; line: number } }[] } | { ok: false; message: string }> {
  const { applyWaivers, loadWaivers, unusedWaivers } = await import('../../posture/waivers.js');
  const waivers = loadWaivers(path);
  if (!waivers.ok) return { ok: false, message: waivers.error.describe() };
  return { ok: true, report: applyWaivers(report, waivers.value, clock), unused: unusedWaivers(report, waivers.value) };
}

export function registerPosture(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('posture')
    .description('Audit repositories (GitHub organisations through the API, local checkouts) against the posture checks: Dependabot coverage, pinned actions, token permissions, security policy, ...')
    .option('--org <org>', 'a GitHub organisation (repeatable; needs GH_TOKEN or GITHUB_TOKEN)', collect(String), [])
    .option('--local <dir>', 'a checkout, or a folder of checkouts (repeatable)', collect(String), [])
    .option('--config <file>', 'chainwatch.yaml: its orgs (when no --org) and its packages (for ordering by importance)')
    .option('--check <id>', 'only this check (repeatable)', collect(parseCheckId), [])
    .option('--waivers <file>', 'waivers (YAML: repo, check, reason, approved-by, expires)')
    .option('--importance <file>', 'a YAML list of owner/name, most important first (the Markdown report is ordered by it)')
    .option('--history <file>', 'graph history whose latest snapshot ranks repositories by the reach of their packages')
    .option('--best-practices', 'with --org: look up each repository on the OpenSSF Best Practices site (one request a second; otherwise the badge check is n/a)')
    .option(
      '--max-rate-limit-wait <duration>',
      'with --org: how long all GitHub rate-limit waits may take together (90s, 15m, 1h; default 15m); a longer wait fails that organisation instead',
      parseWaitDuration,
    )
    .option('--fail-on <level>', `exit 1 when a check is at this level: ${POSTURE_FAIL_ON.join('|')}`, parseChoice(POSTURE_FAIL_ON), 'fail')
    .option('-f, --format <format>', `output format: ${POSTURE_FORMAT_CHOICES.join('|')}`, parseChoice(POSTURE_FORMAT_CHOICES), 'table')
    .addHelpText(
      'after',
      [
        '',
        'Sources: --org goes through the GitHub API and needs GH_TOKEN or GITHUB_TOKEN (GITHUB_API_URL for another server);',
        'without one the API is listed as unreachable and its checks are n/a. --local reads checkouts; API-only checks are n/a there.',
        'An organisation whose requests get no answer (30 s an attempt, 4 attempts), that takes over an hour, or whose rate limit',
        'resets later than --max-rate-limit-wait allows, is listed as an unreachable source saying which; rate-limit waits are said on stderr.',
        '',
        'Exit codes: 0 report written, no check at --fail-on; 1 a check that is not waived fails (with --fail-on partial: or is partial);',
        '2 bad input (unknown check, unreadable folder, config or waivers) or nothing could be collected.',
      ].join('\n'),
    )
    .action(async (options: PostureCommandOptions) => setExit(await runPosture(io, options)));
}
