import type { Clock } from '../core/clock.js';
import type { ChainwatchError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import type { TargetEnvironment } from '../ecosystems/pypi/environment.js';
import type { RegistryOverrides } from '../ecosystems/config-sources.js';
import type { RegistryConfig } from '../ecosystems/registry-config.js';
import type { HttpClient } from '../http/types.js';
import { buildGraph, type BuiltGraph } from './build.js';
import { rankConcerns, type ConcernReport } from './concerns.js';
import { diffGraphs, type GraphDiff } from './diff.js';
import { findSnapshot, isIdReference, type GraphHistoryReader, type GraphHistoryWriter, type GraphSnapshot } from './history.js';
import type { GraphInputs } from './inputs.js';
import type { SummaryStore } from './pypi/summary-store.js';
import { manifestLookupFromDirectory } from './repository.js';
import type { EcosystemResolver } from './resolver.js';
import { createRegistryResolvers } from './modules.js';
import type { GraphEcosystem } from './roots.js';
import { graphRunIdentity, type RunIdentity } from './run-identity.js';
import { DEFAULT_RETENTION, type NewRun, type RetentionPolicy, type RunStatus } from './runs.js';
import { openAdvisoryDatabase, type AdvisoryDatabase } from './signals.js';

/**
 * The graph pipeline, for every front end: inputs → resolvers → buildGraph →
 * a snapshot in the history; and what `concerns` and `diff` make of
 * snapshots. Front ends read the inputs (src/config/), open the stores
 * (src/store/) and hand them in through the interfaces declared here and in
 * history.ts; they render the report objects this returns. Nothing here prints.
 */

/**
 * How long a stored PyPI project page is used without asking again: PyPI's own
 * Cache-Control max-age for Simple pages (600 s), which uv honours too. Mirrors
 * that send no caching headers would otherwise be downloaded again on every run.
 */
export const PYPI_PAGE_MAX_AGE_MS = 600_000;

/** The npm registry's Cache-Control max-age for packuments (300 s): the freshness every registry answer gets. */
export const REGISTRY_ANSWER_MAX_AGE_MS = 300_000;

/** The resolvers of one run, and what to release when it is over. */
export interface ResolverSetup {
  resolvers: Partial<Record<GraphEcosystem, EcosystemResolver>>;
  close(): Promise<void>;
}

/** Makes a run's resolvers: the real registries (registryResolverFactory), or fakes in tests. */
/** `excludeNewer`: only releases uploaded before this instant are considered (`--exclude-newer`). */
export type ResolverFactory = (request: { environments: readonly TargetEnvironment[]; offline: boolean; registries: RegistryOverrides; events: EventSink; excludeNewer?: Date }) => Promise<ResolverSetup>;

/** What the registry resolvers need from the front end: configuration read, an HTTP client, a store for parsed PyPI pages. */
export interface RegistryAccess {
  /** The ecosystems' own registry configuration with chainwatch.yaml's overrides (the front end says what is wrong with it). */
  registryConfig(overrides: RegistryOverrides): Promise<RegistryConfig>;
  /** An HTTP client over the shared response cache that serves answers younger than `maxAgeMs` without asking. */
  httpClient(options: { offline: boolean; clock: Clock; events: EventSink; maxAgeMs: number }): HttpClient;
  /** Where parsed PyPI pages and dependencies are kept between runs (a warm run need not parse them again). */
  openPypiSummaries(): SummaryStore;
}

/** The real registries, with chainwatch's freshness policy: registry answers 300 s, PyPI pages 600 s. */
export function registryResolverFactory(access: RegistryAccess, clock: Clock): ResolverFactory {
  return async ({ environments, offline, registries, events, excludeNewer }) => {
    const config = await access.registryConfig(registries);
    // Registry answers younger than the registries' own max-age are used without asking again
    // (npm serves packuments with max-age=300): mirrors that send no validators are not re-downloaded.
    const http = access.httpClient({ offline, clock, events, maxAgeMs: REGISTRY_ANSWER_MAX_AGE_MS });
    const store = access.openPypiSummaries();
    return {
      resolvers: createRegistryResolvers({ http, registries: config, environment: environments[0]!, pypiIndex: { store, maxAgeMs: PYPI_PAGE_MAX_AGE_MS }, ...(excludeNewer ? { excludeNewer } : {}) }),
      close: async () => {
        store.close();
        await http.close();
      },
    };
  };
}

export interface GraphRunOptions {
  /** Only cached registry answers. */
  offline?: boolean;
  /** Local checkouts laid out `<dir>/<owner>/<repo>`, to confirm source repositories. */
  checkouts?: string;
  /** false: an experiment, not saved (`--no-save`). Default true. */
  save?: boolean;
  /** A named profile (parsed, run-identity.ts): the run's identity instead of the inputs' hash. */
  profile?: string;
  /**
   * Only releases uploaded before this instant (uv's `--exclude-newer`, npm's
   * `--before`). A time point like the clock, so not part of the identity;
   * recorded with the run's inputs as given (`graphAsGiven`).
   */
  excludeNewer?: Date;
}

export interface GraphRunDependencies {
  clock: Clock;
  events: EventSink;
  resolvers: ResolverFactory;
  /** The local advisory database and how to open it read-only (store/). */
  advisories: { path: string; open(path: string): AdvisoryDatabase };
  /** Opens the history the run is saved to (store/); a failure is reported, the graph is still returned. */
  openHistory(): GraphHistoryWriter;
  toolVersion: string;
  /** What is kept of the run's identity after saving (default DEFAULT_RETENTION). */
  retention?: RetentionPolicy;
  /** The command saving the run (`graph`, `concerns`); default `graph`. */
  command?: string;
}

export interface GraphRunReport {
  graph: BuiltGraph;
  /** The run's time (its clock), also the snapshot's. */
  createdAt: Date;
  identity: RunIdentity;
  /** `partial` when a source could not be reached or nothing resolved. */
  status: RunStatus;
  /** The run's id, or null when it was not saved. */
  runId: number | null;
  /** Why the run was not saved, when saving failed (null when saved or not asked to save). */
  saveError: unknown;
  /** Older runs of the same identity the retention policy removed. */
  pruned: number[];
}

/** What a run's graph part records of its inputs as given: PURLs, environment names, the config, and the --exclude-newer instant. */
export function graphAsGiven(inputs: GraphInputs, options: Pick<GraphRunOptions, 'excludeNewer'>): NonNullable<NewRun['graph']>['asGiven'] {
  return {
    roots: inputs.roots.map((root) => root.purl),
    environments: inputs.environments.map((entry) => entry.name),
    config: inputs.source,
    ...(options.excludeNewer ? { excludeNewer: options.excludeNewer.toISOString() } : {}),
  };
}

/** A graph run is partial when a source (a registry, a channel, the advisory database) could not be reached or nothing resolved. */
export function graphRunStatus(graph: BuiltGraph): RunStatus {
  return graph.nodes.length === 0 || graph.sources.some((source) => !source.reachable) ? 'partial' : 'complete';
}

/**
 * Resolves the inputs' roots in every ecosystem, builds the graph with its
 * signals, and saves it as a snapshot. A source that cannot be reached, a root
 * that does not resolve, a history that cannot be written: all are in the
 * report (graph.sources, graph.problems, saveError), never thrown.
 */
export async function runGraphPipeline(inputs: GraphInputs, options: GraphRunOptions, dependencies: GraphRunDependencies): Promise<GraphRunReport> {
  const { clock, events } = dependencies;
  const environments = inputs.environments.map((entry) => entry.environment);
  const offline = options.offline ?? false;
  const setup = await dependencies.resolvers({ environments, offline, registries: inputs.registries, events, ...(options.excludeNewer ? { excludeNewer: options.excludeNewer } : {}) });
  const advisories = openAdvisoryDatabase(dependencies.advisories.path, dependencies.advisories.open);
  const createdAt = clock.now();
  let graph: BuiltGraph;
  try {
    graph = await buildGraph({
      roots: inputs.roots,
      environments,
      resolvers: setup.resolvers,
      offline,
      clock,
      events,
      advisories: advisories.lookup,
      ...(options.checkouts ? { manifests: manifestLookupFromDirectory(options.checkouts) } : {}),
    });
  } finally {
    advisories.close();
    await setup.close();
  }

  const identity = graphRunIdentity(inputs, options.profile);
  const status = graphRunStatus(graph);
  const report: GraphRunReport = { graph, createdAt, identity, status, runId: null, saveError: null, pruned: [] };
  if (options.save === false) return report;
  try {
    const history = dependencies.openHistory();
    try {
      const saved = history.saveRun(
        {
          startedAt: createdAt,
          toolVersion: dependencies.toolVersion,
          command: dependencies.command ?? 'graph',
          status,
          identity,
          offline,
          graph: { graph, asGiven: graphAsGiven(inputs, options) },
        },
        { retention: dependencies.retention ?? DEFAULT_RETENTION },
      );
      report.runId = saved.id;
      report.pruned = saved.pruned;
    } finally {
      history.close();
    }
  } catch (error) {
    report.saveError = error;
  }
  return report;
}

/** Where `concerns` takes its graph from: a fresh run, or a snapshot in the history. */
export type ConcernsSource =
  | { fresh: { inputs: GraphInputs; options: GraphRunOptions; dependencies: GraphRunDependencies } }
  | { snapshot: { history: GraphHistoryReader; reference: string; identity?: string } };

export type ConcernsRun =
  /** `run` for a fresh graph, `snapshot` for one read from the history. */
  | { ok: true; concerns: ConcernReport; run: GraphRunReport | null; snapshot: GraphSnapshot | null }
  /** The snapshot was not found; `empty` when the history holds none at all. */
  | { ok: false; error: ChainwatchError; empty: boolean };

/** The packages of greatest concern, from a fresh graph (saved like any run) or a snapshot. */
export async function runConcernsPipeline(source: ConcernsSource, options: { top?: number } = {}): Promise<ConcernsRun> {
  let run: GraphRunReport | null = null;
  let snapshot: GraphSnapshot | null = null;
  let graph: BuiltGraph;
  if ('fresh' in source) {
    run = await runGraphPipeline(source.fresh.inputs, source.fresh.options, { command: 'concerns', ...source.fresh.dependencies });
    graph = run.graph;
  } else {
    const found = findSnapshot(source.snapshot.history, source.snapshot.reference, source.snapshot.identity);
    if (!found.ok) return found;
    graph = found.snapshot.graph;
    snapshot = found.snapshot;
  }
  return { ok: true, concerns: rankConcerns(graph, options.top === undefined ? {} : { top: options.top }), run, snapshot };
}

export type SnapshotDiff = { ok: true; diff: GraphDiff; previous: GraphSnapshot; current: GraphSnapshot } | { ok: false; error: ChainwatchError };

/**
 * What changed between two snapshots. References: an id (any run), or
 * `latest` / `latest~N` among the runs of one identity: `identity` when
 * given, else the identity of the other reference when that is an id
 * (`diff 5` compares run 5 with the latest run asked the same way), else
 * the history's default identity (never an ad-hoc run's when another exists).
 */
export function diffSnapshots(history: GraphHistoryReader, oldReference: string, newReference: string, identity?: string): SnapshotDiff {
  let scope = identity;
  const relative = (reference: string) => /^latest(?:~[0-9]+)?$/.test(reference.trim());
  const anchorReference = isIdReference(oldReference) && relative(newReference) ? oldReference : isIdReference(newReference) && relative(oldReference) ? newReference : null;
  if (scope === undefined && anchorReference !== null) {
    const anchor = history.resolveReference(anchorReference);
    if (!anchor.ok) return { ok: false, error: anchor.error };
    scope = history.loadSnapshot(anchor.value)?.identity.key;
  }
  const oldId = history.resolveReference(oldReference, scope);
  const newId = history.resolveReference(newReference, scope);
  if (!oldId.ok) return { ok: false, error: oldId.error };
  if (!newId.ok) return { ok: false, error: newId.error };
  const previous = history.loadSnapshot(oldId.value);
  const current = history.loadSnapshot(newId.value);
  // resolveReference only names ids that exist; a snapshot vanishing in between is a bug.
  if (!previous || !current) throw new Error('graph history: a snapshot disappeared while it was read');
  return { ok: true, diff: diffGraphs(previous.graph, current.graph), previous, current };
}
