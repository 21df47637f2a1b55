import { InvalidArgumentError, type Command } from 'commander';
import { systemClock } from '../../core/index.js';
import { loadHttpClient, type HttpClient } from '../../http/index.js';
import {
  CHECK_IDS,
  DEFAULT_GITHUB_API_URL,
  FIXABLE_CHECKS,
  isFixableCheck,
  loadActionRefResolvers,
  loadFixPipeline,
  loadGithubWrites,
  type ActionRefResolver,
  type CheckId,
  type GithubWrites,
  type RepositoryFix,
} from '../../posture/index.js';
import { loadIssueText } from '../../report/index.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { collect, parseRepoName } from '../options.js';
import {
  DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
  describeBadInput,
  githubConnector,
  githubToken,
  NO_TOKEN,
  sourceErrorDescriber,
  warnUnreachable,
  type PostureWiring,
} from '../posture-wiring.js';
import { redactSecrets } from '../redact.js';
import { userHttpCache } from '../stores.js';

export interface FixCommandOptions {
  repo: string[];
  org: string[];
  local: string[];
  apply?: boolean;
  issue?: boolean;
  waivers?: string;
}

export interface FixDependencies extends PostureWiring {
  /** The GitHub writes `--apply` and `--issue` use (tests: an in-memory fake). */
  githubWrites?: (options: { apiUrl: string; token: string }) => GithubWrites;
  /** Tag → SHA for pinned-actions (default: the GitHub API when there is a token). */
  refResolver?: ActionRefResolver;
}

function parseRepositoryCheck(value: string): CheckId {
  if (!(CHECK_IDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected a repository check: ${CHECK_IDS.join(', ')}`);
  return value as CheckId;
}

/**
 * `chainwatch fix <check-id>`: for each repository, the patch that makes the
 * check pass, as a unified diff on stdout (`git apply` it in the repository's
 * root); notes (tags that could not be resolved, jobs a reviewer should look
 * at) on stderr. `--apply` opens or refreshes a pull request per repository,
 * `--issue` opens, updates, reopens or closes one issue per repository and
 * check (any check, fixable or not). src/posture/fix/run.ts does the work.
 * Exit codes: 0 done (notes may say what was left); 1 a repository could not
 * be handled (GitHub refused a write, a file changed since it was read);
 * 2 bad input (no automatic fix for the check and no --issue, nothing to work
 * on, --apply/--issue without a token), nothing could be collected, or the
 * patch is partial because GitHub could not be asked (tags no checkout pins:
 * named on stderr).
 */
export async function runFix(io: CliIo, check: CheckId, options: FixCommandOptions, dependencies: FixDependencies = {}): Promise<number> {
  if (!isFixableCheck(check) && !options.issue) {
    warn(io, `chainwatch: no automatic fix for ${check} (fixes exist for ${FIXABLE_CHECKS.join(', ')}); --issue opens an issue for any check`);
    return 2;
  }
  if (options.repo.length === 0 && options.org.length === 0 && options.local.length === 0) {
    warn(io, 'chainwatch: nothing to fix: give --repo OWNER/NAME or --org ORG (with GH_TOKEN), or --local DIR');
    return 2;
  }
  const token = githubToken(io.env);
  const writing = options.apply === true || options.issue === true;
  if (writing && token === undefined) {
    warn(io, `chainwatch: --apply and --issue write to GitHub: ${NO_TOKEN}`);
    return 2;
  }

  const [{ runFix: runFixPipeline }, { issueText }] = await Promise.all([loadFixPipeline(), loadIssueText()]);
  const apiUrl = io.env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL;
  const renderer = eventRenderer(io);
  const http = check === 'pinned-actions' && !dependencies.refResolver && token !== undefined ? (await loadHttpClient()).createHttpClient({ openCache: await userHttpCache(io.env), events: renderer }) : null;
  try {
    const resolver = await refResolver(dependencies, http, apiUrl, token);
    const writes = writing ? (dependencies.githubWrites ?? (await loadGithubWrites()).createGithubWrites)({ apiUrl, token: token! }) : null;
    const outcome = await runFixPipeline(
      {
        check,
        orgs: [...new Set(options.org)],
        repos: [...new Set(options.repo)],
        local: options.local,
        apply: options.apply === true,
        issue: options.issue === true,
        ...(options.waivers !== undefined ? { waiversPath: options.waivers } : {}),
      },
      {
        clock: dependencies.clock ?? systemClock,
        events: renderer,
        connectGithub: githubConnector(io, dependencies, renderer, { bestPractices: false, maxRateLimitWaitSeconds: DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS }),
        describeError: sourceErrorDescriber(io),
        resolver,
        writes,
        issueText,
      },
    ).finally(() => renderer.stop());
    if (outcome.kind === 'bad-input') {
      warn(io, `chainwatch: ${describeBadInput(outcome)}`);
      return 2;
    }
    warnUnreachable(io, outcome.sources);
    if (outcome.kind === 'nothing-collected') {
      warn(io, 'chainwatch: no repository could be collected');
      return 2;
    }
    let exitCode = 0;
    // owner/repo@ref left as they are because GitHub could not be asked, in the order met.
    const needGithub = new Set<string>();
    for await (const fix of outcome.fixes) {
      const result = renderRepositoryFix(io, fix, { check, writing, several: outcome.repos.length > 1 });
      if (result === 'stop') return 2;
      if (result === 'failed') exitCode = 1;
      for (const note of fix.notes) if (note.needsGithub !== undefined) needGithub.add(note.needsGithub);
    }
    if (needGithub.size > 0) {
      // The patch is partial: what is missing could be done with the API; say what, and exit 2.
      const actions = [...needGithub];
      const shown = actions.length > 8 ? `${actions.slice(0, 8).join(', ')} and ${actions.length - 8} more` : actions.join(', ');
      const why = token === undefined ? `need a GitHub token (GH_TOKEN or GITHUB_TOKEN) to resolve` : 'need the GitHub API, which could not be reached, to resolve';
      warn(io, `chainwatch: ${actions.length} ${actions.length === 1 ? 'tag' : 'tags'} no checkout pins ${why}: ${shown}`);
      return exitCode === 0 ? 2 : exitCode;
    }
    return exitCode;
  } finally {
    await http?.close();
  }
}

/** Says what happened to one repository: notes on stderr, the diff or what was written on stdout. */
function renderRepositoryFix(io: CliIo, fix: RepositoryFix, context: { check: CheckId; writing: boolean; several: boolean }): 'done' | 'failed' | 'stop' {
  const say = (text: string): void => void io.stdout.write(redactSecrets(text, io.env));
  // One line per distinct note, with the places it applies to: a tag that cannot be resolved
  // in twenty workflows is one thing to know, not twenty lines.
  const grouped = new Map<string, string[]>();
  for (const note of fix.notes) {
    const key = `${note.kind}: ${note.message}`;
    const places = grouped.get(key) ?? [];
    if (note.file !== undefined) places.push(`${note.file}${note.line === undefined ? '' : `:${note.line}`}`);
    grouped.set(key, places);
  }
  for (const [text, places] of grouped) {
    const shown = places.length > 3 ? `${places.slice(0, 3).join(', ')} and ${places.length - 3} more` : places.join(', ');
    warn(io, `chainwatch: ${fix.repo}: ${text}${shown === '' ? '' : ` (${shown})`}`);
  }
  if (!context.writing && fix.error === undefined) {
    if (fix.diff === '') warn(io, `chainwatch: ${fix.repo}: nothing to change for ${context.check}`);
    else say(context.several ? `# ${fix.repo}\n${fix.diff}` : fix.diff);
  }
  const pullRequest = fix.pullRequest;
  if (pullRequest) {
    say(pullRequest.kind === 'nothing-to-change' ? `${fix.repo}: nothing to change for ${context.check}\n` : `${fix.repo}: pull request #${pullRequest.pullRequest.number} ${pullRequest.kind}: ${pullRequest.pullRequest.url}\n`);
  }
  if (fix.waiversError) {
    warn(io, `chainwatch: ${fix.waiversError.describe()}`);
    return 'stop';
  }
  if (fix.issue) {
    const { outcome, result } = fix.issue;
    if (outcome.kind === 'left-alone') say(`${fix.repo}: issue left as it is (${outcome.reason})\n`);
    else if (outcome.issue === null) say(`${fix.repo}: no issue needed (${context.check} ${result.outcome})\n`);
    else say(`${fix.repo}: issue #${outcome.issue.number} ${outcome.kind}: ${outcome.issue.url}\n`);
  }
  if (fix.error !== undefined) {
    warn(io, `chainwatch: ${fix.repo}: ${describeError(fix.error)}`);
    return 'failed';
  }
  return 'done';
}

async function refResolver(
  dependencies: FixDependencies,
  http: HttpClient | null,
  apiUrl: string,
  token: string | undefined,
): Promise<ActionRefResolver> {
  if (dependencies.refResolver) return dependencies.refResolver;
  const { createGithubRefResolver, unavailableResolver } = await loadActionRefResolvers();
  if (http === null || token === undefined) return unavailableResolver(`${NO_TOKEN}: tags cannot be resolved to commit SHAs; left as they are`);
  return createGithubRefResolver({ http, apiUrl, token });
}

export function registerFix(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('fix')
    .description('Print the patch that makes a posture check pass (dependency-update-tool, pinned-actions, token-permissions); --apply opens a pull request, --issue keeps one issue per repository and check')
    .argument('<check-id>', 'the check to fix', parseRepositoryCheck)
    .option('--repo <owner/name>', 'a repository through the GitHub API (repeatable; needs GH_TOKEN or GITHUB_TOKEN)', collect(parseRepoName), [])
    .option('--org <org>', 'every repository of an organisation (repeatable; needs a token)', collect(String), [])
    .option('--local <dir>', 'a checkout, or a folder of checkouts (repeatable)', collect(String), [])
    .option('--apply', 'open (or refresh) a pull request with the patch')
    .option('--issue', 'open, update or close the one issue for this check in each repository')
    .option('--waivers <file>', 'waivers: a waived check closes its issue instead of opening one')
    .addHelpText(
      'after',
      [
        '',
        'Without --apply or --issue the patch is printed as a unified diff: `git apply` it in the repository root.',
        'Tags are resolved to commit SHAs through the GitHub API (GH_TOKEN or GITHUB_TOKEN). Without one (or when it cannot be reached), a tag',
        'another checkout read already pins (`uses: owner/repo@<sha> # v4`) is pinned to that commit, noted for review; the others are listed,',
        'left as they are, and the command exits 2 naming them.',
        '',
        'Exit codes: 0 done (stderr notes say what was left); 1 a repository could not be handled (GitHub refused a write,',
        'a file changed since it was read); 2 bad input (no automatic fix and no --issue, nothing to fix, --apply/--issue without a token),',
        'nothing could be collected, or a patch is partial for want of the GitHub API (tags no checkout pins, named).',
      ].join('\n'),
    )
    .action(async (check: CheckId, options: FixCommandOptions) => setExit(await runFix(io, check, options)));
}
