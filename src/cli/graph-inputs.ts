import type { Command } from 'commander';
import { loadConfigReaders } from '../config/index.js';
import { ChainwatchError, fail, systemClock, type Clock, type EventSink, type Result } from '../core/index.js';
import { loadRegistryConfiguration } from '../ecosystems/index.js';
import { DEFAULT_RETENTION, loadGraphInputs, loadGraphPipelines, type GraphInputs, type GraphRunDependencies, type GraphRunOptions, type GraphRunReport, type ResolverFactory } from '../graph/index.js';
import { loadHttpClient } from '../http/index.js';
import { loadGraphRenderers } from '../report/index.js';
import { loadAdvisoryStore, loadGraphStore, loadPypiSummaryStore } from '../store/index.js';
import { describeError, warn, type CliIo } from './io.js';
import { collect } from './options.js';
import { TOOL_VERSION } from './version.js';

/**
 * What `graph` and `concerns` share on the command line, and the wiring of a
 * graph run: the config file or preset (src/config/), the stores
 * (src/store/), the HTTP client and the registry configuration handed to
 * src/graph/run.ts, and the lines printed on stderr after a run.
 */

/** The inputs `graph` and `concerns` share: what to resolve, for which environments, from where. */
export interface GraphInputOptions {
  preset?: string;
  config?: string;
  env: string[];
  offline?: boolean;
  db?: string;
  history?: string;
  checkouts?: string;
  verbose?: boolean;
  /** A named profile: the run's identity (and the history it is compared within) instead of the inputs' hash. */
  profile?: string;
  /** false with --no-save: an experiment, not saved to the history. */
  save?: boolean;
  /** Only releases uploaded before this date or instant (uv's --exclude-newer), as written. */
  excludeNewer?: string;
}

/** What tests replace: the resolvers (no network) and the clock. */
export interface GraphDependencies {
  clock?: Clock;
  resolvers?: ResolverFactory;
}

/** --exclude-newer's help, for every command that builds a graph. */
export const EXCLUDE_NEWER_HELP = 'resolve as of this date: only releases uploaded before it (a date, 2024-06-01, counts that whole day in UTC; or 2024-06-01T12:00:00Z); recorded with the run, not part of its identity';

/** Options every command that can build a graph accepts. */
export function addGraphInputOptions(command: Command): Command {
  return command
    .option('--preset <name>', 'a shipped set of packages and orgs (jupyter)')
    .option('--config <file>', 'a chainwatch.yaml: orgs, packages per ecosystem, environments, registries')
    .option('--env <name>', 'PyPI target environment, e.g. py3.12-linux, py3.11-macos-arm64 (repeatable; default py3.12-linux)', collect(String), [])
    .option('--offline', 'use only cached registry answers')
    .option('--db <path>', 'the advisory database (default: $CHAINWATCH_DB or the user cache dir)')
    .option('--history <path>', 'the graph history (default: $CHAINWATCH_GRAPH_DB or graph.sqlite in the user cache dir)')
    .option('--checkouts <dir>', 'local checkouts as <dir>/<owner>/<repo>, to confirm source repositories')
    .option('--profile <name>', 'save the run under this name: compared with earlier runs of the profile even when the config changes (default: the config\'s roots, environments and orgs, hashed)')
    .option('--no-save', 'an experiment: do not save the run to the history')
    .option('--exclude-newer <date>', EXCLUDE_NEWER_HELP)
    .option('-v, --verbose', 'more detail on stderr');
}

/** Options that name which runs of the history to read (diff, concerns without inputs, runs list). */
export interface IdentityOptions {
  preset?: string;
  config?: string;
  env?: string[];
  profile?: string;
  identity?: string;
}

/**
 * The identity `--profile`, `--identity`, or `--preset` / `--config` (with
 * `--env`) name, without resolving anything; undefined when none is given
 * (the history's default: the newest run that was not ad hoc). `identities`
 * are the keys the history holds, for `--identity` prefixes.
 */
export async function selectIdentity(options: IdentityOptions, identities: () => string[]): Promise<Result<string | undefined>> {
  const { graphRunIdentity, matchIdentity, parseProfileName } = await loadGraphInputs();
  if (options.identity !== undefined) {
    if (options.profile !== undefined || options.preset !== undefined || options.config !== undefined) {
      return fail(new ChainwatchError('invalid-argument', '--identity names the runs by itself: leave out --profile, --preset and --config'));
    }
    return matchIdentity(identities(), options.identity);
  }
  if (options.profile !== undefined) {
    const profile = parseProfileName(options.profile);
    return profile.ok ? { ok: true, value: `profile:${profile.value}` } : profile;
  }
  if (options.preset === undefined && options.config === undefined) return { ok: true, value: undefined };
  const inputs = await readGraphInputs([], { ...options, env: options.env ?? [] });
  return inputs.ok ? { ok: true, value: graphRunIdentity(inputs.value).key } : inputs;
}

/** A graph run's inputs and the pipeline's options (--offline, --checkouts, --profile and --exclude-newer checked, --no-save), or the bad input. */
export async function readRunRequest(purls: readonly string[], options: GraphInputOptions): Promise<Result<{ inputs: GraphInputs; options: GraphRunOptions }>> {
  const inputs = await readGraphInputs(purls, options);
  if (!inputs.ok) return inputs;
  const { parseExcludeNewer, parseProfileName } = await loadGraphInputs();
  let profile: string | undefined;
  if (options.profile !== undefined) {
    const parsed = parseProfileName(options.profile);
    if (!parsed.ok) return parsed;
    profile = parsed.value;
  }
  let excludeNewer: Date | undefined;
  if (options.excludeNewer !== undefined) {
    const parsed = parseExcludeNewer(options.excludeNewer);
    if (!parsed.ok) return parsed;
    excludeNewer = parsed.value;
  }
  const runOptions: GraphRunOptions = {
    ...(options.offline === undefined ? {} : { offline: options.offline }),
    ...(options.checkouts === undefined ? {} : { checkouts: options.checkouts }),
    ...(profile === undefined ? {} : { profile }),
    ...(excludeNewer === undefined ? {} : { excludeNewer }),
    save: options.save !== false,
  };
  return { ok: true, value: { inputs: inputs.value, options: runOptions } };
}

/** Roots, environments and registry overrides from PURLs, a preset or a config file; a located error for bad input. */
export async function readGraphInputs(purls: readonly string[], options: GraphInputOptions): Promise<Result<GraphInputs>> {
  const [{ loadConfigFile, loadPreset }, { graphInputs }] = await Promise.all([loadConfigReaders(), loadGraphInputs()]);
  if (options.preset !== undefined && options.config !== undefined) return fail(new ChainwatchError('invalid-argument', '--preset and --config cannot be used together'));
  let base: GraphInputs | null = null;
  if (options.preset !== undefined || options.config !== undefined) {
    const loaded = options.preset !== undefined ? loadPreset(options.preset) : loadConfigFile(options.config!);
    if (!loaded.ok) return loaded;
    base = options.preset !== undefined ? { ...loaded.value, source: `preset:${options.preset}` } : loaded.value;
  }
  return graphInputs(base, purls, options.env);
}

/**
 * The real registries, endpoints from the ecosystems' own configuration (and
 * chainwatch.yaml's overrides, whose problems are said on stderr), the HTTP
 * cache and the parsed-page store in the user cache directory.
 */
async function registryResolvers(io: CliIo, clock: Clock): Promise<ResolverFactory> {
  const [{ createHttpClient }, { systemConfigSources, loadRegistryConfig }, { registryResolverFactory }, { defaultSummaryStorePath, openSummaryStore }, { userHttpCache }] = await Promise.all([
    loadHttpClient(),
    loadRegistryConfiguration(),
    loadGraphPipelines(),
    loadPypiSummaryStore(),
    import('./stores.js'),
  ]);
  const openCache = await userHttpCache(io.env);
  return registryResolverFactory(
    {
      async registryConfig(overrides) {
        const config = await loadRegistryConfig(systemConfigSources({ env: io.env, cwd: io.cwd }), overrides, { pipDefault: 'when-asked' });
        for (const problem of [...config.npm.problems, ...config.pypi.problems, ...config.conda.problems]) warn(io, `chainwatch: ${describeError(problem)}`);
        return config;
      },
      httpClient: (options) => createHttpClient({ ...options, openCache }),
      // Parsed PyPI pages and dependencies, beside the HTTP cache.
      openPypiSummaries: () => openSummaryStore(defaultSummaryStorePath(io.env)),
    },
    clock,
  );
}

/** The stores and resolvers of one graph run on this machine (or the test's fakes). */
export async function graphRunDependencies(io: CliIo, options: GraphInputOptions, events: EventSink, dependencies: GraphDependencies = {}): Promise<GraphRunDependencies> {
  const [{ defaultDatabasePath, openSqliteStore }, { defaultGraphStorePath, openGraphStore }] = await Promise.all([loadAdvisoryStore(), loadGraphStore()]);
  const clock = dependencies.clock ?? systemClock;
  const historyPath = options.history ?? defaultGraphStorePath(io.env);
  return {
    clock,
    events,
    resolvers: dependencies.resolvers ?? (await registryResolvers(io, clock)),
    advisories: { path: options.db ?? defaultDatabasePath(io.env), open: (path) => openSqliteStore(path, { readonly: true }) },
    openHistory: () => openGraphStore(historyPath),
    toolVersion: TOOL_VERSION,
    retention: DEFAULT_RETENTION,
  };
}

/**
 * Says on stderr what a run could not do, and returns its exit code: 0 a
 * graph was built and saved (or not asked to be, --no-save), even a partial
 * one; 2 nothing could be resolved at all, or the run could not be saved.
 */
export async function reportGraphRun(io: CliIo, run: GraphRunReport): Promise<number> {
  let exitCode = 0;
  if (run.runId === null && run.saveError !== null) {
    warn(io, `chainwatch: the graph was not saved to the history: ${describeError(run.saveError)}`);
    exitCode = 2;
  }
  if (run.pruned.length > 0) {
    const { describeIdentity, shortIdentity } = await loadGraphInputs();
    const name = `${describeIdentity(run.identity)}${run.identity.profile === null ? ` (${shortIdentity(run.identity.key)})` : ''}`;
    const { keepLast, keepMonths } = DEFAULT_RETENTION;
    warn(
      io,
      `chainwatch: removed ${run.pruned.length === 1 ? 'run' : 'runs'} ${run.pruned.join(', ')} of ${name} from the history (kept: the last ${keepLast}${run.identity.adHoc ? ', as for every experiment' : ` and one a month for ${keepMonths} months`}; chainwatch runs prune --help)`,
    );
  }
  for (const source of run.graph.sources.filter((entry) => !entry.reachable)) {
    warn(io, `chainwatch: source not reachable: ${source.name}: ${source.error ?? 'no answer'}`);
  }
  // One line per distinct problem: twelve conda roots behind one unreachable channel are one sentence.
  const { groupProblems } = await loadGraphRenderers();
  for (const [message, purls] of groupProblems(run.graph.problems)) warn(io, `chainwatch: ${purls.join(', ')}: ${message}`);
  if (run.graph.nodes.length === 0) {
    warn(io, 'chainwatch: no package could be resolved (see the sources and problems above)');
    exitCode = 2;
  }
  return exitCode;
}
