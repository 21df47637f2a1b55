import { InvalidArgumentError, type Command } from 'commander';
import { systemClock } from '../../core/clock.js';
import type { HttpClient } from '../../http/types.js';
import type { ActionRefResolver } from '../../posture/fix/pin-actions.js';
import type { GithubWrites } from '../../posture/fix/github-writes.js';
import type { FixableCheckId, FixPlan } from '../../posture/fix/types.js';
import { CHECK_IDS, type CheckId, type RepoFacts } from '../../posture/types.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { redactSecrets } from '../redact.js';
import { userHttpCache } from '../stores.js';
import { collect } from '../options.js';
import { applyWaiverFile, collectFacts, githubToken, NO_TOKEN, parseRepoName, type PostureDependencies } from './posture.js';

export interface FixCommandOptions {
  repo: string[];
  org: string[];
  local: string[];
  apply?: boolean;
  issue?: boolean;
  waivers?: string;
}

export interface FixDependencies extends PostureDependencies {
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
 * check (any check, fixable or not).
 * Exit codes: 0 done (notes may say what was left); 1 a repository could not
 * be handled (GitHub refused a write, a file changed since it was read);
 * 2 bad input (no automatic fix for the check and no --issue, nothing to work
 * on, --apply/--issue without a token) or nothing could be collected.
 */
export async function runFix(io: CliIo, check: CheckId, options: FixCommandOptions, dependencies: FixDependencies = {}): Promise<number> {
  const { FIXABLE_CHECKS, isFixableCheck } = await import('../../posture/fix/types.js');
  const fixable = isFixableCheck(check);
  if (!fixable && !options.issue) {
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

  const renderer = eventRenderer(io);
  const collected = await collectFacts(io, { orgs: [...new Set(options.org)], repos: [...new Set(options.repo)], local: options.local }, dependencies, renderer).finally(() => renderer.stop());
  if (!collected.ok) {
    warn(io, `chainwatch: ${collected.message}`);
    return 2;
  }
  for (const source of collected.facts.sources.filter((entry) => !entry.reachable)) warn(io, `chainwatch: ${source.name} unreachable: ${source.error ?? 'unknown error'}`);
  const repos = [...collected.facts.repos].sort((a, b) => (a.repo < b.repo ? -1 : a.repo > b.repo ? 1 : 0));
  if (repos.length === 0) {
    warn(io, 'chainwatch: no repository could be collected');
    return 2;
  }

  const { DEFAULT_GITHUB_API_URL } = await import('../../posture/collect/github.js');
  const apiUrl = io.env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL;
  const http = check === 'pinned-actions' && !dependencies.refResolver && token !== undefined ? (await import('../../http/client.js')).createHttpClient({ openCache: await userHttpCache(io.env), events: renderer }) : null;
  try {
    const resolver = await refResolver(dependencies, http, apiUrl, token);
    const writes = writing ? (dependencies.githubWrites ?? (await import('../../posture/fix/github-writes.js')).createGithubWrites)({ apiUrl, token: token! }) : null;
    const [{ renderUnifiedDiff }, { openFixPullRequest }, { syncIssue }, { issueText }, { evaluateRepoCheck }] = await Promise.all([
      import('../../posture/fix/unified-diff.js'),
      import('../../posture/fix/pull-request.js'),
      import('../../posture/fix/issue.js'),
      import('../../posture/fix/issue-text.js'),
      import('../../posture/checks/index.js'),
    ]);
    let exitCode = 0;
    const say = (text: string): void => void io.stdout.write(redactSecrets(text, io.env));
    for (const facts of repos) {
      try {
        const plan = fixable ? await planFix(check, facts, resolver) : null;
        // One line per distinct note, with the places it applies to: a tag that cannot be resolved
        // in twenty workflows is one thing to know, not twenty lines.
        const grouped = new Map<string, string[]>();
        for (const note of plan?.notes ?? []) {
          const key = `${note.kind}: ${note.message}`;
          const places = grouped.get(key) ?? [];
          if (note.file !== undefined) places.push(`${note.file}${note.line === undefined ? '' : `:${note.line}`}`);
          grouped.set(key, places);
        }
        for (const [text, places] of grouped) {
          const shown = places.length > 3 ? `${places.slice(0, 3).join(', ')} and ${places.length - 3} more` : places.join(', ');
          warn(io, `chainwatch: ${facts.repo}: ${text}${shown === '' ? '' : ` (${shown})`}`);
        }
        const diff = plan ? renderUnifiedDiff(plan.changes) : '';
        if (!writing) {
          if (diff === '') warn(io, `chainwatch: ${facts.repo}: nothing to change for ${check}`);
          else say(repos.length > 1 ? `# ${facts.repo}\n${diff}` : diff);
          continue;
        }
        if (options.apply && plan) {
          const outcome = await openFixPullRequest(writes!, plan);
          say(outcome.kind === 'nothing-to-change' ? `${facts.repo}: nothing to change for ${check}\n` : `${facts.repo}: pull request #${outcome.pullRequest.number} ${outcome.kind}: ${outcome.pullRequest.url}\n`);
        }
        if (options.issue) {
          let result = evaluateRepoCheck(check, facts, { clock: dependencies.clock ?? systemClock });
          if (options.waivers !== undefined) {
            const waived = await applyWaiverFile(options.waivers, { repos: [{ repo: facts.repo, checks: [result] }], orgs: [], expiredWaivers: [], sources: [] }, dependencies.clock ?? systemClock);
            if (!waived.ok) {
              warn(io, `chainwatch: ${waived.message}`);
              return 2;
            }
            result = waived.report.repos[0]!.checks[0]!;
          }
          const outcome = await syncIssue(writes!, facts.repo, result, issueText(facts.repo, result, diff === '' ? undefined : diff));
          if (outcome.kind === 'left-alone') say(`${facts.repo}: issue left as it is (${outcome.reason})\n`);
          else if (outcome.issue === null) say(`${facts.repo}: no issue needed (${check} ${result.outcome})\n`);
          else say(`${facts.repo}: issue #${outcome.issue.number} ${outcome.kind}: ${outcome.issue.url}\n`);
        }
      } catch (error) {
        warn(io, `chainwatch: ${facts.repo}: ${describeError(error)}`);
        exitCode = 1;
      }
    }
    return exitCode;
  } finally {
    await http?.close();
  }
}

async function refResolver(
  dependencies: FixDependencies,
  http: HttpClient | null,
  apiUrl: string,
  token: string | undefined,
): Promise<ActionRefResolver> {
  if (dependencies.refResolver) return dependencies.refResolver;
  const [{ unavailableResolver }, { createGithubRefResolver }] = await Promise.all([import('../../posture/fix/pin-actions.js'), import('../../posture/fix/ref-resolver.js')]);
  if (http === null || token === undefined) return unavailableResolver(`${NO_TOKEN}: tags cannot be resolved to commit SHAs; left as they are`);
  return createGithubRefResolver({ http, apiUrl, token });
}

async function planFix(check: FixableCheckId, facts: RepoFacts, resolver: ActionRefResolver): Promise<FixPlan> {
  switch (check) {
    case 'dependency-update-tool': {
      const { planDependabotConfig } = await import('../../posture/fix/dependabot.js');
      // Without the tree, ecosystems come from the files that were read.
      const paths = facts.paths.available ? facts.paths.value : facts.files.map((file) => file.path);
      return planDependabotConfig(facts.repo, paths, facts.files);
    }
    case 'pinned-actions': {
      const { planPinnedActions } = await import('../../posture/fix/pin-actions.js');
      return planPinnedActions(facts.repo, facts.files, resolver);
    }
    case 'token-permissions': {
      const { planTokenPermissions } = await import('../../posture/fix/token-permissions.js');
      return planTokenPermissions(facts.repo, facts.files);
    }
  }
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
        'Tags are resolved to commit SHAs through the GitHub API (GH_TOKEN or GITHUB_TOKEN); without one they are listed and left as they are.',
        '',
        'Exit codes: 0 done (stderr notes say what was left); 1 a repository could not be handled (GitHub refused a write,',
        'a file changed since it was read); 2 bad input (no automatic fix and no --issue, nothing to fix, --apply/--issue without a token)',
        'or nothing could be collected.',
      ].join('\n'),
    )
    .action(async (check: CheckId, options: FixCommandOptions) => setExit(await runFix(io, check, options)));
}
