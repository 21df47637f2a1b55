import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfigReaders } from '../../config/index.js';
import { ChainwatchError, systemClock } from '../../core/index.js';
import { CHECK_IDS, loadPosturePipeline, ORG_CHECK_IDS, type CheckId, type GraphHistoryAnswer, type OrgCheckId, type PostureReport } from '../../posture/index.js';
import { loadPostureRenderers, type PostureFormat } from '../../report/index.js';
import { loadGraphStore } from '../../store/index.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { collect, parseChoice } from '../options.js';
import {
  DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
  describeBadInput,
  githubConnector,
  sourceErrorDescriber,
  warnUnreachable,
  type PostureWiring,
} from '../posture-wiring.js';
import { redactSecrets } from '../redact.js';
import { registryReleasesConnector } from '../registry-releases-wiring.js';
import { TOOL_VERSION } from '../version.js';

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
  /** Ask PyPI and npm when each repository's packages were last released (`maintained` counts a release as activity). */
  registryReleases?: boolean;
}

/**
 * The latest snapshot of the graph history, for importance by reach: the
 * usual history when it exists, or the one --history names (which must).
 */
function latestGraph(io: CliIo, history: string | undefined): () => Promise<GraphHistoryAnswer> {
  return async () => {
    const { defaultGraphStorePath, openGraphStore } = await loadGraphStore();
    const path = history ?? defaultGraphStorePath(io.env);
    if (!existsSync(path)) {
      return history === undefined ? { kind: 'none' } : { kind: 'missing', error: new ChainwatchError('unreadable-file', 'no such file', { location: { path } }) };
    }
    try {
      const store = openGraphStore(path, { readonly: true });
      try {
        const latest = store.resolveReference('latest');
        const graph = latest.ok ? store.loadSnapshot(latest.value)?.graph : undefined;
        return graph ? { kind: 'graph', graph } : { kind: 'none' };
      } finally {
        store.close();
      }
    } catch (error) {
      return { kind: 'unusable', error };
    }
  };
}

/** ` (action jupyterlab/maintainer-tools/*)` for a waiver that names findings; '' for one of a whole check. */
function waiverScopeText(waiver: { file?: string; action?: string; package?: string }): string {
  const parts = (['file', 'action', 'package'] as const).filter((key) => waiver[key] !== undefined).map((key) => `${key} ${waiver[key]}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
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
 * --local), evaluate, apply waivers, render (src/posture/run.ts does the work).
 * Exit codes: 0 report written and nothing at --fail-on; 1 a check that is not
 * waived fails (or, with --fail-on partial, is partial); 2 bad input (an
 * unknown check, an unreadable --local folder, config or waiver file) or
 * nothing could be collected at all (the sources say why).
 */
export async function runPosture(io: CliIo, options: PostureCommandOptions, dependencies: PostureWiring = {}): Promise<number> {
  let orgs = [...new Set(options.org)];
  let packages: { ecosystem: string; name: string }[] = [];
  let registries: { npm?: string; pypi?: string } = {};
  if (options.config !== undefined) {
    const { loadConfigFile } = await loadConfigReaders();
    const config = loadConfigFile(options.config);
    if (!config.ok) {
      warn(io, `chainwatch: ${config.error.describe()}`);
      return 2;
    }
    if (orgs.length === 0) orgs = config.value.orgs;
    packages = config.value.roots.map((root) => ({ ecosystem: root.ecosystem, name: root.name }));
    registries = config.value.registries;
  }
  if (orgs.length === 0 && options.local.length === 0) {
    warn(io, 'chainwatch: nothing to check: give --org ORG (with GH_TOKEN), --local DIR, or --config FILE with orgs');
    return 2;
  }

  const { runPosture: runPosturePipeline } = await loadPosturePipeline();
  const renderer = eventRenderer(io);
  const outcome = await runPosturePipeline(
    {
      orgs,
      local: options.local,
      checks: options.check as (CheckId | OrgCheckId)[],
      packages,
      hints: options.format === 'markdown',
      ...(options.waivers !== undefined ? { waiversPath: options.waivers } : {}),
      ...(options.importance !== undefined ? { importanceListPath: options.importance } : {}),
    },
    {
      clock: dependencies.clock ?? systemClock,
      events: renderer,
      connectGithub: githubConnector(io, dependencies, renderer, {
        bestPractices: options.bestPractices ?? false,
        maxRateLimitWaitSeconds: options.maxRateLimitWait ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
      }),
      describeError: sourceErrorDescriber(io),
      latestGraph: latestGraph(io, options.history),
      ...(options.registryReleases ? { registryReleases: dependencies.registryReleases ?? registryReleasesConnector(io, registries) } : {}),
    },
  ).finally(() => renderer.stop());

  for (const note of outcome.notes) {
    if (note.kind === 'unused-waiver') warn(io, `chainwatch: ${note.waiver.location.path}:${note.waiver.location.line}: the waiver for ${note.waiver.repo} ${note.waiver.check}${waiverScopeText(note.waiver)} matches no result`);
    else if (note.kind === 'graph-history-not-used') warn(io, `chainwatch: graph history not used for importance: ${describeError(note.error)}`);
    // Said when --history was asked for; the usual history may well be about other packages.
    else if (options.history !== undefined) warn(io, `chainwatch: --history ${options.history}: no package in its latest snapshot names a repository checked here`);
  }
  switch (outcome.kind) {
    case 'bad-input':
      warn(io, `chainwatch: ${describeBadInput(outcome)}`);
      return 2;
    case 'nothing-collected':
      warnUnreachable(io, outcome.sources);
      warn(io, 'chainwatch: no repository could be collected');
      return 2;
    case 'report': {
      const { renderPosture } = await loadPostureRenderers();
      const text = renderPosture(outcome.report, options.format, {
        importance: outcome.importance,
        importanceNote: outcome.importanceNote,
        toolVersion: TOOL_VERSION,
        ...(outcome.hints ? { hints: outcome.hints } : {}),
      });
      io.stdout.write(redactSecrets(text, io.env));
      return postureExitCode(outcome.report, options.failOn);
    }
  }
}

export function registerPosture(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('posture')
    .description('Audit repositories (GitHub organisations through the API, local checkouts) against the posture checks: Dependabot coverage, pinned actions, token permissions, security policy, ...')
    .option('--org <org>', 'a GitHub organisation (repeatable; needs GH_TOKEN or GITHUB_TOKEN)', collect(String), [])
    .option('--local <dir>', 'a checkout, or a folder of checkouts (repeatable)', collect(String), [])
    .option('--config <file>', 'chainwatch.yaml: its orgs (when no --org) and its packages (for ordering by importance)')
    .option('--check <id>', 'only this check (repeatable)', collect(parseCheckId), [])
    .option('--waivers <file>', 'waivers (YAML: repo, check, reason, approved-by, expires; optionally file, action or package to waive only those findings)')
    .option('--importance <file>', 'a YAML list of owner/name, most important first (the Markdown report is ordered by it)')
    .option('--history <file>', 'graph history whose latest snapshot ranks repositories by the reach of their packages')
    .option('--best-practices', 'with --org: look up each repository on the OpenSSF Best Practices site (one request a second; otherwise the badge check is n/a)')
    .option(
      '--max-rate-limit-wait <duration>',
      'with --org: how long all GitHub rate-limit waits may take together (90s, 15m, 1h; default 15m); a longer wait fails that organisation instead',
      parseWaitDuration,
    )
    .option('--registry-releases', "ask PyPI and npm (where pip and npm are configured to look) when each repository's packages were last released: maintained counts a release as activity")
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
        'With --registry-releases, the packages each repository publishes (its pyproject.toml/setup.cfg/package.json names, and the',
        "config's packages named like it) are looked up on PyPI and npm: a release there counts as activity for maintained, and a",
        'registry that cannot be reached makes an otherwise abandoned-looking repository n/a, never abandoned.',
        'A GitHub that cannot be reached at all (DNS lookup failed, connection refused) is said as such at the first failure and not asked again.',
        'Each organisation is a step said on stderr as it starts and ends, with the time it took.',
        '',
        'Exit codes: 0 report written, no check at --fail-on; 1 a check that is not waived fails (with --fail-on partial: or is partial);',
        '2 bad input (unknown check, unreadable folder, config or waivers) or nothing could be collected.',
      ].join('\n'),
    )
    .action(async (options: PostureCommandOptions) => setExit(await runPosture(io, options)));
}
