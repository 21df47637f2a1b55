/**
 * What `chainwatch posture` and `chainwatch fix` both wire: the GitHub token,
 * the GitHub connection (collector, its cache in the user cache directory,
 * the HTTP client for the Best Practices site), and the sentences their
 * failures become. Commands never import each other; they share this.
 */
import { systemClock, type Clock, type EventSink } from '../core/index.js';
import { loadHttpClient } from '../http/index.js';
import { loadGithubCollector, type BadInput, type GithubCollector, type GithubCollectorOptions, type GithubConnection, type RegistryConnector, type SourceStatus } from '../posture/index.js';
import { loadGithubCache } from '../store/index.js';
import { describeError, warn, type CliIo } from './io.js';
import { redactSecrets } from './redact.js';

/** What the posture commands need from outside, injectable in tests. */
export interface PostureWiring {
  clock?: Clock;
  /** Builds the GitHub collector (tests point it at the fake server). */
  githubCollector?: (options: GithubCollectorOptions) => GithubCollector;
  /** The registries `--registry-releases` asks (tests replay recorded answers). */
  registryReleases?: RegistryConnector;
}

/** Default of --max-rate-limit-wait: a quarter of an hour, said on stderr while it lasts. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 900;

export const NO_TOKEN = 'no GH_TOKEN or GITHUB_TOKEN in the environment';

/** The token the GitHub API gets: GH_TOKEN, else GITHUB_TOKEN. Never printed, logged or stored. */
export function githubToken(env: NodeJS.ProcessEnv): string | undefined {
  return env.GH_TOKEN?.trim() || env.GITHUB_TOKEN?.trim() || undefined;
}

/**
 * The GitHub connection a posture run asks for when it needs the API: the
 * collector with its cache (a cache that cannot be opened is said and not
 * used) and, with `bestPractices`, an HTTP client for the badge site (one
 * request a second: asked only on request, through the shared HTTP layer).
 */
export function githubConnector(
  io: CliIo,
  wiring: PostureWiring,
  events: EventSink,
  options: { bestPractices: boolean; maxRateLimitWaitSeconds: number },
): () => Promise<GithubConnection | { unavailable: string }> {
  return async () => {
    const token = githubToken(io.env);
    if (token === undefined) return { unavailable: NO_TOKEN };
    const [{ createGithubCollector }, { defaultGithubCachePath, openGithubCache }] = await Promise.all([loadGithubCollector(), loadGithubCache()]);
    let cache = null;
    try {
      cache = openGithubCache(defaultGithubCachePath(io.env));
    } catch (error) {
      warn(io, `chainwatch: GitHub cache not used: ${describeError(error)}`);
    }
    let bestPractices: GithubCollectorOptions['bestPractices'];
    try {
      const make = wiring.githubCollector ?? createGithubCollector;
      if (options.bestPractices) {
        const [{ createHttpClient }, { userHttpCache }] = await Promise.all([loadHttpClient(), import('./stores.js')]);
        bestPractices = { client: createHttpClient({ openCache: await userHttpCache(io.env) }) };
      }
      const collector = make({
        token,
        env: io.env,
        clock: wiring.clock ?? systemClock,
        events,
        cache,
        maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds,
        ...(bestPractices ? { bestPractices } : {}),
      });
      const opened = { cache, bestPractices };
      return {
        collector,
        async close() {
          try {
            await opened.bestPractices?.client.close();
          } finally {
            opened.cache?.close();
          }
        },
      };
    } catch (error) {
      await bestPractices?.client.close();
      cache?.close();
      throw error;
    }
  };
}

/** An unreachable source's error as the report shows it: one redacted sentence. */
export function sourceErrorDescriber(io: CliIo): (error: unknown) => string {
  return (error) => redactSecrets(describeError(error), io.env);
}

/** Unreachable sources, one line each. */
export function warnUnreachable(io: CliIo, sources: readonly SourceStatus[]): void {
  for (const source of sources.filter((entry) => !entry.reachable)) warn(io, `chainwatch: ${source.name} unreachable: ${source.error ?? 'unknown error'}`);
}

const OPTION_OF_INPUT: Record<BadInput['input'], string | null> = {
  local: '--local',
  importance: '--importance',
  history: '--history',
  // The waiver file's errors name the file and line, as they always did.
  waivers: null,
};

/** `--local DIR: why`, `--importance FILE: why`, or the waiver file's own `file:line: why`. */
export function describeBadInput(failure: BadInput): string {
  const option = OPTION_OF_INPUT[failure.input];
  return option === null ? failure.error.describe() : `${option} ${failure.error.describe()}`;
}
