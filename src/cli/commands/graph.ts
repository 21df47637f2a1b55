import type { Command } from 'commander';
import { collect, parseChoice } from '../options.js';
import type { ChainwatchConfig, NamedEnvironment } from '../../config/config.js';
import { systemClock, type Clock } from '../../core/clock.js';
import type { EventSink } from '../../core/events.js';
import type { BuiltGraph } from '../../graph/build.js';
import type { EcosystemResolver, RootRequest } from '../../graph/resolver.js';
import type { GraphEcosystem } from '../../graph/roots.js';
import type { TargetEnvironment } from '../../ecosystems/pypi/environment.js';
import type { GraphFormat } from '../../report/graph/index.js';
import { describeError, eventRenderer, warn, type CliIo } from '../io.js';
import { redactSecrets } from '../redact.js';
import { TOOL_VERSION } from '../version.js';

export const GRAPH_FORMAT_CHOICES = ['table', 'json', 'dot', 'graphml', 'cyclonedx'] as const;

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
}

export interface GraphCommandOptions extends GraphInputOptions {
  format: GraphFormat;
}

/** What tests replace: the resolvers (no network) and the clock. */
export interface GraphDependencies {
  clock?: Clock;
  resolvers?: (setup: { environments: readonly TargetEnvironment[]; offline: boolean; registries: ChainwatchConfig['registries']; events: EventSink }) => Promise<{
    resolvers: Partial<Record<GraphEcosystem, EcosystemResolver>>;
    close(): Promise<void>;
  }>;
}

/**
 * How long a stored PyPI project page is used without asking again: PyPI's own
 * Cache-Control max-age for Simple pages (600 s), which uv honours too. Mirrors
 * that send no caching headers would otherwise be downloaded again on every run.
 */
const PYPI_PAGE_MAX_AGE_MS = 600_000;

/** The npm registry's Cache-Control max-age for packuments (300 s): the freshness every registry answer gets. */
const REGISTRY_ANSWER_MAX_AGE_MS = 300_000;

/** Roots, environments and registry overrides from PURLs, a preset or a config file; a located error for bad input. */
export async function readGraphInputs(purls: readonly string[], options: GraphInputOptions): Promise<{ ok: true; config: ChainwatchConfig } | { ok: false; message: string }> {
  const [{ loadConfigFile, loadPreset, DEFAULT_ENVIRONMENT_NAME }, { parseRoot, uniqueRoots }, { parseEnvironmentName }] = await Promise.all([
    import('../../config/config.js'),
    import('../../graph/roots.js'),
    import('../../ecosystems/pypi/environment.js'),
  ]);
  if (options.preset !== undefined && options.config !== undefined) return { ok: false, message: '--preset and --config cannot be used together' };
  let base: ChainwatchConfig = { source: 'command line', orgs: [], roots: [], environments: [], registries: {} };
  if (options.preset !== undefined || options.config !== undefined) {
    const loaded = options.preset !== undefined ? loadPreset(options.preset) : loadConfigFile(options.config!);
    if (!loaded.ok) return { ok: false, message: loaded.error.describe() };
    base = options.preset !== undefined ? { ...loaded.value, source: `preset:${options.preset}` } : loaded.value;
  }
  const roots: RootRequest[] = [...base.roots];
  for (const purl of purls) {
    const root = parseRoot(purl);
    if (!root.ok) return { ok: false, message: root.error.message };
    roots.push(root.value);
  }
  let environments: NamedEnvironment[] = base.environments;
  if (options.env.length > 0) {
    environments = [];
    for (const name of options.env) {
      const parsed = parseEnvironmentName(name);
      if (!parsed.ok) return { ok: false, message: parsed.error.message };
      if (!environments.some((known) => known.name === name)) environments.push({ name, environment: parsed.value });
    }
  }
  if (environments.length === 0) {
    const fallback = parseEnvironmentName(DEFAULT_ENVIRONMENT_NAME);
    if (fallback.ok) environments = [{ name: DEFAULT_ENVIRONMENT_NAME, environment: fallback.value }];
  }
  if (roots.length === 0) return { ok: false, message: 'nothing to resolve: give PURLs (pkg:pypi/jupyterlab), --preset jupyter or --config chainwatch.yaml' };
  return { ok: true, config: { ...base, roots: uniqueRoots(roots), environments } };
}

/** The real registries, endpoints from the ecosystems' own configuration (and chainwatch.yaml's overrides). */
async function registryResolvers(io: CliIo, clock: Clock): Promise<NonNullable<GraphDependencies['resolvers']>> {
  const [{ createHttpClient }, { loadRegistryConfig, systemConfigSources }, { createRegistryResolvers }, { defaultSummaryStorePath, openSummaryStore }, { userHttpCache }] = await Promise.all([
    import('../../http/client.js'),
    import('../../config/registries.js'),
    import('../../graph/resolvers.js'),
    import('../../store/pypi-summary-store.js'),
    import('../stores.js'),
  ]);
  return async ({ environments, offline, registries, events }) => {
    const config = await loadRegistryConfig(systemConfigSources({ env: io.env, cwd: io.cwd }), registries);
    for (const problem of [...config.npm.problems, ...config.pypi.problems, ...config.conda.problems]) warn(io, `chainwatch: ${describeError(problem)}`);
    // Registry answers younger than the registries' own max-age are used without asking again
    // (npm serves packuments with max-age=300): mirrors that send no validators are not re-downloaded.
    const http = createHttpClient({ offline, clock, events, openCache: await userHttpCache(io.env), maxAgeMs: REGISTRY_ANSWER_MAX_AGE_MS });
    // Parsed PyPI pages and dependencies, beside the HTTP cache: a warm run need not parse them again.
    const store = openSummaryStore(defaultSummaryStorePath(io.env));
    return {
      resolvers: createRegistryResolvers({ http, registries: config, environment: environments[0]!, pypiIndex: { store, clock, maxAgeMs: PYPI_PAGE_MAX_AGE_MS } }),
      close: async () => {
        store.close();
        await http.close();
      },
    };
  };
}

export interface GraphRun {
  graph: BuiltGraph;
  snapshotId: number | null;
  createdAt: Date;
}

/**
 * Resolves, ranks nothing, saves the snapshot. Returns null (after saying why
 * on stderr) when no graph could be built at all.
 */
export async function buildAndSaveGraph(io: CliIo, config: ChainwatchConfig, options: GraphInputOptions, dependencies: GraphDependencies = {}): Promise<{ run: GraphRun; exitCode: number }> {
  const [{ buildGraph }, { openAdvisoryDatabase }, { manifestLookupFromDirectory }, { defaultDatabasePath }, { defaultGraphStorePath, openGraphStore }] = await Promise.all([
    import('../../graph/build.js'),
    import('../../graph/signals.js'),
    import('../../graph/repository.js'),
    import('../../store/sqlite-store.js'),
    import('../../store/graph-store.js'),
  ]);
  const clock = dependencies.clock ?? systemClock;
  const renderer = eventRenderer(io, { verbose: options.verbose ?? false });
  const environments = config.environments.map((entry) => entry.environment);
  const offline = options.offline ?? false;
  const makeResolvers = dependencies.resolvers ?? (await registryResolvers(io, clock));
  const setup = await makeResolvers({ environments, offline, registries: config.registries, events: renderer });
  const advisories = openAdvisoryDatabase(options.db ?? defaultDatabasePath(io.env));
  const createdAt = clock.now();
  let graph: BuiltGraph;
  try {
    graph = await buildGraph({
      roots: config.roots,
      environments,
      resolvers: setup.resolvers,
      offline,
      clock,
      events: renderer,
      advisories: advisories.lookup,
      ...(options.checkouts ? { manifests: manifestLookupFromDirectory(options.checkouts) } : {}),
    });
  } finally {
    renderer.stop();
    advisories.close();
    await setup.close();
  }

  let exitCode = 0;
  let snapshotId: number | null = null;
  const historyPath = options.history ?? defaultGraphStorePath(io.env);
  try {
    const store = openGraphStore(historyPath);
    try {
      snapshotId = store.saveSnapshot(graph, {
        createdAt,
        toolVersion: TOOL_VERSION,
        inputs: { roots: config.roots.map((root) => root.purl), environments: config.environments.map((entry) => entry.name), config: config.source, offline },
      });
    } finally {
      store.close();
    }
  } catch (error) {
    warn(io, `chainwatch: the graph was not saved to the history: ${describeError(error)}`);
    exitCode = 2;
  }
  for (const source of graph.sources.filter((entry) => !entry.reachable)) {
    warn(io, `chainwatch: source not reachable: ${source.name}: ${source.error ?? 'no answer'}`);
  }
  // One line per distinct problem: twelve conda roots behind one unreachable channel are one sentence.
  const { groupProblems } = await import('../../report/graph/index.js');
  for (const [message, purls] of groupProblems(graph.problems)) warn(io, `chainwatch: ${purls.join(', ')}: ${message}`);
  if (graph.nodes.length === 0) {
    warn(io, 'chainwatch: no package could be resolved (see the sources and problems above)');
    exitCode = 2;
  }
  return { run: { graph, snapshotId, createdAt }, exitCode };
}

/**
 * `chainwatch graph`. Exit codes: 0 a graph was built and saved, even a
 * partial one (an unreachable source such as conda-forge, or a root that did
 * not resolve, is listed on stderr and in `sources`); 2 bad input, nothing
 * could be resolved at all, or the snapshot could not be saved.
 */
export async function runGraph(io: CliIo, purls: string[], options: GraphCommandOptions, dependencies: GraphDependencies = {}): Promise<number> {
  const inputs = await readGraphInputs(purls, options);
  if (!inputs.ok) {
    warn(io, `chainwatch: ${inputs.message}`);
    return 2;
  }
  const { run, exitCode } = await buildAndSaveGraph(io, inputs.config, options, dependencies);
  const { renderGraph } = await import('../../report/graph/index.js');
  const text = redactSecrets(renderGraph(run.graph, options.format, { timestamp: run.createdAt, toolVersion: TOOL_VERSION }), io.env);
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return exitCode;
}

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
    .option('-v, --verbose', 'more detail on stderr');
}

export function registerGraph(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addGraphInputOptions(
    program
      .command('graph')
      .description('Resolve what users install from PyPI, npm and conda-forge, with signals per package; saved as a snapshot')
      .argument('[purls...]', 'packages to start from: pkg:pypi/jupyterlab, pkg:npm/%40jupyterlab/services@4.4.0, pkg:conda/jupyterlab?channel=conda-forge'),
  )
    .option('-f, --format <format>', `output format: ${GRAPH_FORMAT_CHOICES.join('|')}`, parseChoice(GRAPH_FORMAT_CHOICES), 'table')
    .action(async (purls: string[], options: GraphCommandOptions) => setExit(await runGraph(io, purls, options)));
}
