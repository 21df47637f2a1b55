import { ChainwatchError } from '../../core/errors.js';
import { toPurl } from '../../core/package.js';
import { resolvePypiIndex } from '../../ecosystems/pypi/config.js';
import type { TargetEnvironment } from '../../ecosystems/pypi/environment.js';
import { createPypiRegistry, type DistributionFileRef, type PypiProjectPage, type PypiRegistry } from '../../ecosystems/pypi/registry.js';
import type { GraphModule } from '../module.js';
import type { MetadataSignals } from './summary-store.js';
import { lazyResolver, mapAll, progress, type EcosystemResolution, type EcosystemResolver, type LabextensionManifest, type PackageFacts, type PackageRelease, type ResolveProblem } from '../resolver.js';
import type { GraphEdge } from '../types.js';
import { memoizeIndex } from './pypi-index.js';
import { createHistoryBuilder, licenseOf, metadataSignals } from './project-summary.js';
import { createRegistryIndex, type RegistryIndex, type RegistryIndexOptions } from './registry-index.js';
import { PypiResolutionError, resolvePypi } from './resolve.js';

/**
 * The PyPI resolver (resolve.ts) adapted to the EcosystemResolver interface
 * buildGraph() calls, once per target environment: packages with the
 * index's facts (releases, yanked, provenance, licence, project URLs,
 * labextensions inside wheels), edges with the environments they exist in.
 * A host that fails propagates as HostError; a resolution that has no answer
 * (conflicting roots) is a problem of those roots, the source still reachable.
 */

/** `share/jupyter/labextensions/<name or @scope/name>/package.json` in a wheel's data directory. */
const LABEXTENSION_MANIFEST = /^[^/]+\.data\/data\/share\/jupyter\/labextensions\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/;

/** A PEP 508 marker naming a target environment, for edges that exist in only some of several. */
export function environmentMarker(environment: TargetEnvironment): string {
  return `python_version == "${environment.python_version}" and sys_platform == "${environment.sys_platform}" and platform_machine == "${environment.platform_machine}"`;
}

/** Every release of a page, as the signals read them (the same reading as a page summary's history). */
function releasesOf(page: PypiProjectPage): PackageRelease[] {
  const history = createHistoryBuilder();
  for (const file of page.files) {
    if (file.version === null || file.kind === 'other') continue;
    history.add(file.version.normalized, { uploadTime: file.uploadTime, yanked: file.yanked, hasProvenance: file.provenanceUrl !== null, provenanceKnown: file.provenanceKnown });
  }
  return history.releases();
}

export async function labextensionsOf(registry: PypiRegistry, file: DistributionFileRef | undefined): Promise<LabextensionManifest[] | null> {
  if (!file || !/\.whl$/i.test(file.filename)) return null;
  const members = await registry.listFiles(file);
  if (members === null) return null;
  const found: LabextensionManifest[] = [];
  for (const member of members) {
    if (!LABEXTENSION_MANIFEST.test(member)) continue;
    const bytes = await registry.readMember(file, member);
    if (!bytes) continue;
    let manifest: { name?: unknown; version?: unknown; dependencies?: unknown; bundledDependencies?: unknown; bundleDependencies?: unknown };
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as typeof manifest;
    } catch {
      continue;
    }
    if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') continue;
    const dependencies = manifest.dependencies && typeof manifest.dependencies === 'object' ? (Object.fromEntries(Object.entries(manifest.dependencies).filter(([, range]) => typeof range === 'string')) as Record<string, string>) : undefined;
    const bundled = [manifest.bundledDependencies, manifest.bundleDependencies].find(Array.isArray) as unknown[] | undefined;
    found.push({
      path: member,
      name: manifest.name,
      version: manifest.version,
      ...(dependencies ? { dependencies } : {}),
      ...(bundled ? { bundledDependencies: bundled.filter((entry): entry is string => typeof entry === 'string') } : {}),
    });
  }
  return found;
}

export { licenseOf };

export function createPypiResolver(options: {
  registry: PypiRegistry;
  source?: string;
  readLabextensions?: boolean;
  /** The resolver's index options: its summary store of parsed pages and dependencies (fast warm runs). */
  index?: RegistryIndexOptions;
  /** Ignore files uploaded after this instant (uv's `--exclude-newer`): reproducible runs and recorded fixtures. */
  excludeNewer?: string | Date | null;
}): EcosystemResolver {
  const source = options.source ?? 'pypi';
  const { registry } = options;
  const readLabextensions = options.readLabextensions ?? true;
  const store = options.index?.store;

  /** The labextensions in a wheel, kept per file (files never change). */
  async function labextensionsIn(file: DistributionFileRef): Promise<LabextensionManifest[] | null> {
    const kept = store?.getLabextensions(file.url);
    if (kept) return kept.manifests;
    const found = await labextensionsOf(registry, file);
    store?.putLabextensions(file.url, found);
    return found;
  }

  /**
   * A resolved package's facts from what its resolution read: the page
   * summary's history and the resolved file's metadata (no page read again),
   * filled in `facts` in the order factsFromRegistry fills them (a failure
   * leaves what came before); false when those cannot tell them.
   */
  async function factsFromResolution(index: RegistryIndex, name: string, version: string, filename: string, facts: PackageFacts): Promise<boolean> {
    const known = await index.resolvedFacts(name, version, filename);
    if (known === null) return false;
    facts.releases = known.releases.map((release) => ({ ...release }));
    const release = known.releases.find((entry) => entry.version === version);
    facts.releasedAt = release?.publishedAt ?? null;
    facts.yanked = release?.yanked ?? null;
    facts.provenance = release?.provenance ?? null;
    if (readLabextensions) facts.labextensions = await labextensionsIn(known.file);
    let info: MetadataSignals | null;
    if (known.metadata !== undefined) info = known.metadata;
    else {
      const read = (await registry.metadata(known.file)).metadata;
      info = read ? metadataSignals(read) : null;
    }
    if (info) {
      facts.license = info.license;
      facts.repositoryUrls = [...info.repositoryUrls];
    }
    return true;
  }

  async function factsFor(index: RegistryIndex | null, name: string, version: string, filename: string | null, problems: ResolveProblem[]): Promise<PackageFacts> {
    if (index === null || filename === null) return factsFromRegistry(name, version, filename, problems);
    const facts: PackageFacts = {};
    try {
      if (await factsFromResolution(index, name, version, filename, facts)) return facts;
    } catch (error) {
      if (!(error instanceof ChainwatchError)) throw error;
      problems.push({ purl: toPurl('PyPI', name, version), message: `signals incomplete: ${error.message}` });
      return facts;
    }
    return factsFromRegistry(name, version, filename, problems);
  }

  /** A package's facts from its project page and file, read through the registry client. */
  async function factsFromRegistry(name: string, version: string, filename: string | null, problems: ResolveProblem[]): Promise<PackageFacts> {
    const purl = toPurl('PyPI', name, version);
    const facts: PackageFacts = {};
    try {
      const page = await registry.project(name);
      if (!page) return facts;
      facts.releases = releasesOf(page);
      const release = facts.releases.find((entry) => entry.version === version);
      facts.releasedAt = release?.publishedAt ?? null;
      facts.yanked = release?.yanked ?? null;
      facts.provenance = release?.provenance ?? null;
      const files = page.files.filter((file) => file.version?.normalized === version);
      const file = files.find((entry) => entry.filename === filename) ?? files.find((entry) => entry.kind === 'wheel') ?? files[0];
      if (readLabextensions && filename) facts.labextensions = file ? await labextensionsIn(file) : await labextensionsOf(registry, file);
      // Licence and project URLs from the file's own core metadata: the resolver already read it (cached),
      // where the release JSON would cost a request per package and many mirrors do not serve it.
      const info = file ? (await registry.metadata(file)).metadata : null;
      if (info) {
        facts.license = licenseOf(info);
        facts.repositoryUrls = [...info.projectUrls.map((entry) => entry.url), ...(info.homePage ? [info.homePage] : [])];
      }
    } catch (error) {
      if (!(error instanceof ChainwatchError)) throw error;
      problems.push({ purl, message: `signals incomplete: ${error.message}` });
    }
    return facts;
  }

  return {
    ecosystem: 'PyPI',
    sourceNames: [source],
    async resolve(roots, context): Promise<EcosystemResolution> {
      const registryIndex = createRegistryIndex(registry, options.index ?? {});
      const index = memoizeIndex(registryIndex);
      const pypiRoots = roots.map((root) => (root.version === null ? { name: root.name } : { name: root.name, specifier: `==${root.version}` }));
      const rootNames = new Set(roots.map((root) => root.name));
      const packages = new Map<string, { name: string; version: string; filename: string; root: boolean }>();
      /** Each edge with the environments it was found in. */
      const edges = new Map<string, { edge: GraphEdge; environments: TargetEnvironment[] }>();
      const problems: ResolveProblem[] = [];
      const several = context.environments.length > 1;
      for (const environment of context.environments) {
        let resolution;
        try {
          resolution = await resolvePypi(pypiRoots, { index, environment, events: context.events, ...(options.excludeNewer ? { excludeNewer: options.excludeNewer } : {}) });
        } catch (error) {
          if (!(error instanceof PypiResolutionError)) throw error;
          const where = several ? ` (${environmentMarker(environment)})` : '';
          for (const root of roots) problems.push({ purl: root.purl, message: `${error.message}${where}` });
          continue;
        }
        const versionOf = new Map(resolution.packages.map((found) => [found.name, found.version]));
        for (const found of resolution.packages) {
          const purl = toPurl('PyPI', found.name, found.version);
          const existing = packages.get(purl);
          packages.set(purl, { name: found.name, version: found.version, filename: existing?.filename ?? found.filename, root: (existing?.root ?? false) || rootNames.has(found.name) });
        }
        for (const edge of resolution.edges) {
          if (edge.from === null) continue;
          const fromVersion = versionOf.get(edge.from);
          const toVersion = versionOf.get(edge.to);
          if (fromVersion === undefined || toVersion === undefined) continue;
          const conditions = [edge.extra ? `extra == "${edge.extra}"` : null, edge.marker ?? null].filter((part): part is string => part !== null);
          const graphEdge: GraphEdge = { from: toPurl('PyPI', edge.from, fromVersion), to: toPurl('PyPI', edge.to, toVersion), requirement: edge.requirement, kind: edge.kind };
          if (conditions.length > 0) graphEdge.condition = conditions.join(' and ');
          const key = `${graphEdge.from}\u0000${graphEdge.to}\u0000${graphEdge.kind}\u0000${graphEdge.condition ?? ''}`;
          const seen = edges.get(key) ?? { edge: graphEdge, environments: [] };
          seen.environments.push(environment);
          edges.set(key, seen);
        }
        for (const unknown of resolution.unknown) {
          problems.push({ purl: toPurl('PyPI', unknown.name, unknown.version ?? null), message: unknown.reason });
        }
      }
      const list = [...packages];
      let done = 0;
      const resolved = await mapAll(list, async ([purl, found]) => {
        const facts = await factsFor(registryIndex, found.name, found.version, found.filename, problems);
        if (++done % 10 === 0 || done === list.length) progress(context, 'pypi', done, list.length, found.name);
        return { ecosystem: 'PyPI' as const, name: found.name, version: found.version, purl, root: found.root, facts };
      });
      // An edge found in every environment needs no environment marker; one found in some names them.
      const graphEdges = [...edges.values()].map(({ edge, environments }) => {
        if (environments.length === context.environments.length) return edge;
        const where = environments.map((environment) => (environments.length > 1 ? `(${environmentMarker(environment)})` : environmentMarker(environment))).join(' or ');
        return { ...edge, condition: edge.condition ? `${edge.condition} and ${environments.length > 1 ? `(${where})` : where}` : where };
      });
      return { packages: resolved, edges: graphEdges, sources: [{ name: source, reachable: true }], problems };
    },
    async describe(wanted) {
      const problems: ResolveProblem[] = [];
      const described = await mapAll(wanted, async ({ name, version }) => {
        const page = await registry.project(name).catch((error: unknown) => {
          if (error instanceof ChainwatchError) return null;
          throw error;
        });
        if (!page || !page.files.some((file) => file.version?.normalized === version)) return null;
        return { ecosystem: 'PyPI' as const, name, version, purl: toPurl('PyPI', name, version), root: false, facts: await factsFor(null, name, version, null, problems) };
      });
      return described.filter((entry): entry is NonNullable<typeof entry> => entry !== null);
    },
  };
}

/** PyPI in the graph: one resolution per target environment, from the index pip's (or uv's) configuration names. */
export const pypiGraphModule: GraphModule = {
  ecosystem: 'PyPI',
  sourceNames: ['pypi'],
  registryResolver: ({ http, registries, pypiIndex, excludeNewer }) =>
    lazyResolver('PyPI', ['pypi'], () => {
      const index = resolvePypiIndex(registries.pypi);
      const registry = createPypiRegistry({ http, indexUrl: index.url, ...(index.authorization ? { authorization: index.authorization } : {}) });
      // Project pages are read by the resolver's lean reader through the same client and credentials.
      const pages = { http, ...(index.authorization ? { authorization: index.authorization } : {}) };
      return createPypiResolver({ registry, ...(pypiIndex ? { index: { pages, ...pypiIndex } } : {}), ...(excludeNewer ? { excludeNewer } : {}) });
    }),
};
