import { systemClock, type Clock } from '../core/clock.js';
import { ChainwatchError } from '../core/errors.js';
import { silentSink, type EventSink } from '../core/events.js';
import { unknown } from '../core/known.js';
import { normalizeName, toPurl, type Ecosystem } from '../core/package.js';
import { getScheme } from '../ecosystems/schemes.js';
import { defaultEnvironment, type TargetEnvironment } from '../ecosystems/pypi/environment.js';
import type { ManifestLookup } from './repository.js';
import type { EcosystemResolution, EcosystemResolver, ResolveContext, ResolvedPackage, ResolveProblem, RootRequest } from './resolver.js';
import { GRAPH_ECOSYSTEMS, type GraphEcosystem } from './roots.js';
import { advisorySignals, mergeSignals, noAdvisories, signalsFromFacts, withRepositoryConfidence, type AdvisoryLookup, type GraphSignals } from './signals.js';
import type { DependencyGraph, GraphEdge, GraphNode, SourceStatus } from './types.js';
import { compareText } from '../core/compare.js';

export interface BuildGraphOptions {
  roots: readonly RootRequest[];
  /** PyPI target environments; default CPython 3.12 on Linux x86_64. */
  environments?: readonly TargetEnvironment[];
  /** One resolver per ecosystem; an ecosystem with roots and no resolver is reported, not skipped silently. */
  resolvers: Partial<Record<GraphEcosystem, EcosystemResolver>>;
  offline?: boolean;
  clock?: Clock;
  events?: EventSink;
  /** The advisory matcher, or why there is none (then every node's advisories are unknown). */
  advisories?: AdvisoryLookup;
  /** Repository manifests, to confirm source repositories; without it every repository is `claimed`. */
  manifests?: ManifestLookup;
}

export interface GraphNodeWithSignals extends GraphNode {
  signals: GraphSignals;
}

export interface BuiltGraph extends DependencyGraph {
  nodes: GraphNodeWithSignals[];
  /** Roots that could not be resolved, dropped edges, failed descriptions: each with why. */
  problems: ResolveProblem[];
}

/** Why a node added by a cross-ecosystem edge has no signals when its ecosystem cannot describe it. */
const NOT_DESCRIBED: Record<'bundles' | 'twin', string> = {
  bundles: 'bundled inside a wheel; its registry was not asked',
  twin: 'the PyPI twin of a conda package; its registry was not asked',
};

/**
 * Runs every ecosystem's resolver and merges the results into one graph:
 * roots are nodes (`root: true`); PyPI wheels that ship JupyterLab
 * extensions get `bundles` edges to the npm packages they carry; conda
 * packages whose PyPI twin is known get a `twin` edge to the same release on
 * PyPI. Then every node gets its signals. One ecosystem failing
 * never hides another: its sources say why.
 */
export async function buildGraph(options: BuildGraphOptions): Promise<BuiltGraph> {
  const events = options.events ?? silentSink;
  const clock = options.clock ?? systemClock;
  const context: ResolveContext = {
    environments: options.environments && options.environments.length > 0 ? options.environments : [defaultEnvironment],
    offline: options.offline ?? false,
    clock,
    events,
  };
  const advisories = options.advisories ?? noAdvisories('no advisory database was given');
  const problems: ResolveProblem[] = [];
  const sources: SourceStatus[] = [];

  const byEcosystem = new Map<GraphEcosystem, RootRequest[]>();
  for (const root of options.roots) {
    const ecosystem = root.ecosystem as GraphEcosystem;
    if (!(GRAPH_ECOSYSTEMS as readonly Ecosystem[]).includes(root.ecosystem)) {
      problems.push({ purl: root.purl, message: `the graph does not resolve ${root.ecosystem} packages` });
      continue;
    }
    const group = byEcosystem.get(ecosystem);
    if (group) group.push(root);
    else byEcosystem.set(ecosystem, [root]);
  }

  const planned = [...byEcosystem.entries()];
  let finished = 0;
  events.emit({ type: 'progress', task: 'resolve', done: 0, total: planned.length, detail: planned.map(([ecosystem]) => ecosystem).join(', ') });
  const resolutions = await Promise.all(
    planned.map(async ([ecosystem, roots]) => {
      const resolution = await runResolver(ecosystem, options.resolvers[ecosystem], roots, context);
      finished++;
      events.emit({ type: 'progress', task: 'resolve', done: finished, total: planned.length, detail: `${ecosystem} done` });
      return resolution;
    }),
  );

  const packages = new Map<string, ResolvedPackage>();
  const edges = new Map<string, GraphEdge>();
  for (const resolution of resolutions) {
    // Loops, not push(...list): a resolution may carry one problem per root, too many to pass as arguments.
    for (const source of resolution.sources) sources.push(source);
    for (const problem of resolution.problems) problems.push(problem);
    for (const found of resolution.packages) addPackage(packages, found);
    for (const edge of resolution.edges) addEdge(edges, edge);
  }

  const pending = new Map<string, { ecosystem: GraphEcosystem; name: string; version: string; why: 'bundles' | 'twin' }>();
  const addCrossNode = (ecosystem: GraphEcosystem, name: string, version: string, why: 'bundles' | 'twin'): string => {
    const purl = toPurl(ecosystem, name, version);
    if (!packages.has(purl) && !pending.has(purl)) pending.set(purl, { ecosystem, name: normalizeName(ecosystem, name), version, why });
    return purl;
  };
  addBundleEdges(packages, edges, addCrossNode, events);
  addTwinEdges(packages, edges, addCrossNode);
  await describePending(pending, packages, options.resolvers, context, problems);

  // Edges a resolver gave between packages it did not list cannot be drawn.
  for (const [key, edge] of edges) {
    if (packages.has(edge.from) && packages.has(edge.to)) continue;
    edges.delete(key);
    problems.push({ purl: packages.has(edge.from) ? edge.to : edge.from, message: `edge ${edge.from} → ${edge.to} names a package that is not in the graph` });
  }

  const nodes: GraphNodeWithSignals[] = [];
  let done = 0;
  for (const found of packages.values()) {
    if (done % 100 === 0) events.emit({ type: 'progress', task: 'signals', done, total: packages.size });
    done++;
    nodes.push({
      purl: found.purl,
      ecosystem: found.ecosystem,
      name: found.name,
      version: found.version,
      root: found.root,
      signals: nodeSignals(found, clock, advisories, options.manifests),
    });
  }
  events.emit({ type: 'progress', task: 'signals', done: packages.size, total: packages.size });

  sources.push(advisories.status);
  return {
    nodes: nodes.sort((a, b) => compareText(a.purl, b.purl)),
    edges: [...edges.values()].sort(compareEdges),
    sources: mergeSources(sources),
    problems,
  };
}

async function runResolver(
  ecosystem: GraphEcosystem,
  resolver: EcosystemResolver | undefined,
  roots: RootRequest[],
  context: ResolveContext,
): Promise<EcosystemResolution> {
  if (!resolver) {
    const message = `no ${ecosystem} resolver is available`;
    return { packages: [], edges: [], sources: [{ name: ecosystem, reachable: false, error: message }], problems: roots.map((root) => ({ purl: root.purl, message })) };
  }
  try {
    return await resolver.resolve(roots, context);
  } catch (error) {
    // A host that failed is a fact about this run; anything else is a bug and must surface.
    if (!(error instanceof ChainwatchError)) throw error;
    const message = error.message;
    return {
      packages: [],
      edges: [],
      sources: resolver.sourceNames.map((name) => ({ name, reachable: false, error: message })),
      problems: roots.map((root) => ({ purl: root.purl, message })),
    };
  }
}

function addPackage(packages: Map<string, ResolvedPackage>, found: ResolvedPackage): void {
  const existing = packages.get(found.purl);
  if (!existing) {
    packages.set(found.purl, found);
    return;
  }
  // The same version reached from two places (two environments, a root that is also a dependency).
  packages.set(found.purl, { ...existing, root: existing.root || found.root, facts: { ...found.facts, ...definedOnly(existing.facts) }, signals: mergeSignals(found.signals, existing.signals ?? {}) });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined && entry !== null)) as Partial<T>;
}

function edgeKey(edge: GraphEdge): string {
  return [edge.from, edge.to, edge.kind, edge.condition ?? ''].join('\u0000');
}

function addEdge(edges: Map<string, GraphEdge>, edge: GraphEdge): void {
  const key = edgeKey(edge);
  if (!edges.has(key)) edges.set(key, edge);
}

type AddCrossNode = (ecosystem: GraphEcosystem, name: string, version: string, why: 'bundles' | 'twin') => string;

/**
 * A wheel's labextension is an npm package at an exact version; its bundled
 * dependencies are exact when the manifest pins them, else the npm version
 * already in the graph that satisfies the range (else left out, with a log).
 */
function addBundleEdges(packages: Map<string, ResolvedPackage>, edges: Map<string, GraphEdge>, addCrossNode: AddCrossNode, events: EventSink): void {
  const npm = getScheme('npm');
  const npmVersionsByName = new Map<string, string[]>();
  for (const found of packages.values()) {
    if (found.ecosystem !== 'npm') continue;
    const versions = npmVersionsByName.get(found.name);
    if (versions) versions.push(found.version);
    else npmVersionsByName.set(found.name, [found.version]);
  }
  for (const wheel of [...packages.values()]) {
    if (wheel.ecosystem !== 'PyPI') continue;
    for (const extension of wheel.facts.labextensions ?? []) {
      if (!npm.parse(extension.version).ok) {
        events.emit({ type: 'log', level: 'debug', message: `${wheel.purl}: ${extension.path} has version ${JSON.stringify(extension.version)}, not an npm version` });
        continue;
      }
      const to = addCrossNode('npm', extension.name, extension.version, 'bundles');
      addEdge(edges, { from: wheel.purl, to, requirement: extension.version, kind: 'bundles' });
      for (const name of extension.bundledDependencies ?? []) {
        const requirement = extension.dependencies?.[name] ?? '*';
        const version = bundledVersion(requirement, npmVersionsByName.get(name) ?? []);
        if (version === null) {
          events.emit({ type: 'log', level: 'debug', message: `${wheel.purl}: bundled ${name}@${requirement} is not pinned and not otherwise in the graph` });
          continue;
        }
        addEdge(edges, { from: wheel.purl, to: addCrossNode('npm', name, version, 'bundles'), requirement, kind: 'bundles' });
      }
    }
  }
}

function bundledVersion(requirement: string, candidates: readonly string[]): string | null {
  const npm = getScheme('npm');
  if (npm.parse(requirement).ok) return requirement;
  const range = npm.parseRange(requirement);
  if (!range.ok) return null;
  let best: { text: string; version: ReturnType<typeof npm.parse> & { ok: true } } | null = null;
  for (const candidate of candidates) {
    const parsed = npm.parse(candidate);
    if (!parsed.ok || !range.value.contains(parsed.value)) continue;
    if (!best || parsed.value.compare(best.version.value) > 0) best = { text: candidate, version: parsed };
  }
  return best?.text ?? null;
}

/**
 * A conda package whose PyPI twin is known (`pypiName`, on the conda
 * resolver's evidence) is linked to the same release on PyPI: the node
 * already resolved when PEP 440 calls the versions equal, else a new one.
 */
function addTwinEdges(packages: Map<string, ResolvedPackage>, edges: Map<string, GraphEdge>, addCrossNode: AddCrossNode): void {
  for (const conda of [...packages.values()]) {
    if (conda.ecosystem !== 'conda' || !conda.facts.pypiName) continue;
    const pypiName = normalizeName('PyPI', conda.facts.pypiName);
    const pypiVersion = samePypiVersion(packages, pypiName, conda.version) ?? conda.version;
    if (!getScheme('PyPI').parse(pypiVersion).ok) continue;
    const to = addCrossNode('PyPI', pypiName, pypiVersion, 'twin');
    addEdge(edges, { from: conda.purl, to, requirement: `==${conda.version}`, kind: 'twin' });
  }
}

/** A PyPI node of that name whose version equals the conda version under PEP 440 (`4.2` is `4.2.0`). */
function samePypiVersion(packages: Map<string, ResolvedPackage>, name: string, version: string): string | null {
  const pep440 = getScheme('PyPI');
  const wanted = pep440.parse(version);
  if (!wanted.ok) return null;
  for (const found of packages.values()) {
    if (found.ecosystem !== 'PyPI' || found.name !== name) continue;
    const parsed = pep440.parse(found.version);
    if (parsed.ok && parsed.value.compare(wanted.value) === 0) return found.version;
  }
  return null;
}

async function describePending(
  pending: Map<string, { ecosystem: GraphEcosystem; name: string; version: string; why: 'bundles' | 'twin' }>,
  packages: Map<string, ResolvedPackage>,
  resolvers: Partial<Record<GraphEcosystem, EcosystemResolver>>,
  context: ResolveContext,
  problems: ResolveProblem[],
): Promise<void> {
  const groups = new Map<GraphEcosystem, { name: string; version: string }[]>();
  for (const entry of pending.values()) {
    const group = groups.get(entry.ecosystem);
    if (group) group.push({ name: entry.name, version: entry.version });
    else groups.set(entry.ecosystem, [{ name: entry.name, version: entry.version }]);
  }
  for (const [ecosystem, wanted] of groups) {
    const describe = resolvers[ecosystem]?.describe;
    if (!describe) continue;
    try {
      for (const found of await describe.call(resolvers[ecosystem], wanted, context)) {
        // Keyed as the edge named it, whatever qualifiers the resolver's own PURL carries.
        const purl = toPurl(ecosystem, found.name, found.version);
        if (pending.has(purl)) addPackage(packages, { ...found, purl, root: false });
      }
    } catch (error) {
      if (!(error instanceof ChainwatchError)) throw error;
      problems.push({ purl: `pkg:${ecosystem.toLowerCase()}`, message: `could not describe ${wanted.length} linked packages: ${error.message}` });
    }
  }
  for (const [purl, entry] of pending) {
    if (packages.has(purl)) continue;
    const reason = NOT_DESCRIBED[entry.why];
    packages.set(purl, { ecosystem: entry.ecosystem, name: entry.name, version: entry.version, purl, root: false, facts: {}, signals: everySignalUnknown(reason) });
  }
}

function everySignalUnknown(reason: string): GraphSignals {
  const signal = unknown(reason);
  return {
    releasedAt: signal,
    ageDays: signal,
    releasesLastYear: signal,
    daysSinceLastRelease: signal,
    yanked: signal,
    deprecated: signal,
    installScripts: signal,
    provenance: signal,
    provenanceDropped: signal,
    maintainers: signal,
    maintainerNames: signal,
    license: signal,
    repository: signal,
  };
}

function nodeSignals(found: ResolvedPackage, clock: Clock, advisories: AdvisoryLookup, manifests: ManifestLookup | undefined): GraphSignals {
  const target = { ecosystem: found.ecosystem, name: found.name, version: found.version };
  const merged = mergeSignals(found.signals, signalsFromFacts(target, found.facts, clock, manifests));
  return { ...withRepositoryConfidence(merged, target, manifests), ...advisorySignals(target, advisories) };
}

/** One entry per source name: reachable only if every report of it was. */
function mergeSources(sources: readonly SourceStatus[]): SourceStatus[] {
  const byName = new Map<string, SourceStatus>();
  for (const source of sources) {
    const existing = byName.get(source.name);
    if (!existing) {
      byName.set(source.name, { ...source });
      continue;
    }
    const errors = [existing.error, source.error].filter((error): error is string => Boolean(error));
    byName.set(source.name, { name: source.name, reachable: existing.reachable && source.reachable, ...(errors.length > 0 ? { error: [...new Set(errors)].join('; ') } : {}) });
  }
  return [...byName.values()].sort((a, b) => compareText(a.name, b.name));
}

function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.kind, b.kind) || compareText(a.condition ?? '', b.condition ?? '');
}
