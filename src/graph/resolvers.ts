import { ChainwatchError, HostError } from '../core/errors.js';
import { toPurl } from '../core/package.js';
import { createCondaChannel, type CondaChannel, type CondaPackageRecord } from '../ecosystems/conda/registry.js';
import { createNpmRegistry, isFullPackument, npmVersionSignals, type NpmRegistry } from '../ecosystems/npm/registry.js';
import { createPypiRegistry } from '../ecosystems/pypi/registry.js';
import { resolveCondaChannel } from '../ecosystems/conda/config.js';
import { resolveNpmRegistry } from '../ecosystems/npm/config.js';
import { resolvePypiIndex } from '../ecosystems/pypi/config.js';
import type { RegistryConfig } from '../ecosystems/registry-config.js';
import type { HttpClient } from '../http/types.js';
import type { GraphEcosystem } from './roots.js';
import type { TargetEnvironment } from '../ecosystems/pypi/environment.js';
import type { PypiFile as RegistryFile, PypiProjectPage, PypiRegistry } from '../ecosystems/pypi/registry.js';
import { condaPurl, matchSpecFromPurl } from './conda/graph.js';
import { resolveConda } from './conda/resolve.js';
import { pypiTwin } from './conda/twins.js';
import { condaPlatformFor } from './conda/virtual-packages.js';
import { resolveNpm, toGraphEdges } from './npm/resolve.js';
import { memoizeIndex } from './pypi/pypi-index.js';
import { createRegistryIndex, type RegistryIndexOptions } from './pypi/registry-index.js';
import { PypiResolutionError, resolvePypi } from './pypi/resolve.js';
import type { EcosystemResolution, EcosystemResolver, LabextensionManifest, PackageFacts, ReleaseFact, ResolveContext, ResolvedPackage, ResolveProblem, RootRequest } from './resolver.js';
import type { GraphEdge } from './types.js';

/**
 * The three registry resolvers (src/graph/pypi/, npm/, conda/) adapted to the
 * EcosystemResolver interface buildGraph() calls: their results become
 * packages with registry facts, edges between purls, sources and problems.
 * A host that fails propagates as HostError (buildGraph lists the source as
 * unreachable); a resolution that has no answer (conflicting roots) is a
 * problem of those roots, with the source still reachable.
 */

/** Work on many packages at once, the HTTP client limits what goes to each host. */
async function mapAll<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  return Promise.all(items.map(work));
}

function progress(context: ResolveContext, task: string, done: number, total: number, detail?: string): void {
  context.events.emit({ type: 'progress', task, done, total, ...(detail === undefined ? {} : { detail }) });
}

// ---------------------------------------------------------------------------
// npm

/** `Name <mail>` or `{ name }` → the name (the packument schema keeps only entries of either shape). */
function personName(person: unknown): string {
  if (typeof person === 'string') return person.replace(/\s*<.*$/, '').trim();
  const name = (person as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

/** Stands for the package.json whose dependencies are the roots; its edges are not drawn. */
const NPM_PROJECT = 'pkg:npm/chainwatch-roots';

export function createNpmResolver(options: {
  registry: NpmRegistry;
  source?: string;
  /** Ignore versions published after this instant (npm's `--before`): reproducible runs and recorded fixtures. */
  before?: Date | null;
}): EcosystemResolver {
  const source = options.source ?? 'npm';
  const { registry } = options;

  async function facts(name: string, versions: readonly string[], context: ResolveContext, problems: ResolveProblem[]): Promise<Map<string, Pick<ResolvedPackage, 'facts' | 'signals'>>> {
    const result = new Map<string, Pick<ResolvedPackage, 'facts' | 'signals'>>();
    let packument;
    try {
      // The resolver's document is enough when it is the full one (some registries answer every Accept with it).
      const resolved = await registry.packument(name);
      packument = resolved && isFullPackument(resolved) ? resolved : await registry.packument(name, 'full');
    } catch (error) {
      if (!(error instanceof ChainwatchError)) throw error;
      problems.push({ purl: toPurl('npm', name), message: `no signals: ${error.message}` });
      return result;
    }
    if (!packument) return result;
    for (const version of versions) {
      const manifest = packument.versions[version];
      const people = manifest?.maintainers ?? packument.maintainers;
      const maintainers = people?.map(personName).filter((entry) => entry !== '');
      result.set(version, { signals: npmVersionSignals(packument, version, { clock: context.clock }), facts: { maintainers: maintainers ?? null } });
    }
    return result;
  }

  async function describeVersions(wanted: ReadonlyMap<string, Set<string>>, context: ResolveContext, problems: ResolveProblem[]): Promise<Map<string, Pick<ResolvedPackage, 'facts' | 'signals'>>> {
    const names = [...wanted.keys()];
    const described = new Map<string, Pick<ResolvedPackage, 'facts' | 'signals'>>();
    let done = 0;
    await mapAll(names, async (name) => {
      for (const [version, found] of await facts(name, [...wanted.get(name)!], context, problems)) described.set(toPurl('npm', name, version), found);
      if (++done % 25 === 0 || done === names.length) progress(context, 'npm', done, names.length, name);
    });
    return described;
  }

  return {
    ecosystem: 'npm',
    sourceNames: [source],
    async resolve(roots, context): Promise<EcosystemResolution> {
      const resolution = await resolveNpm(
        roots.map((root) => (root.version === null ? { name: root.name } : { name: root.name, range: root.version })),
        { registry, events: context.events, before: options.before ?? null },
      );
      const rootNames = new Set(roots.map((root) => root.name));
      const wanted = new Map<string, Set<string>>();
      const packages = new Map<string, ResolvedPackage>();
      for (const entry of resolution.packages) {
        const purl = toPurl('npm', entry.packageName, entry.version);
        const isRoot = entry.location === `node_modules/${entry.packageName}` && rootNames.has(entry.packageName);
        const existing = packages.get(purl);
        if (existing) {
          existing.root ||= isRoot;
          continue;
        }
        packages.set(purl, { ecosystem: 'npm', name: entry.packageName, version: entry.version, purl, root: isRoot, facts: {} });
        wanted.set(entry.packageName, (wanted.get(entry.packageName) ?? new Set()).add(entry.version));
      }
      const problems: ResolveProblem[] = resolution.failures
        .filter((failure) => !failure.optional)
        .map((failure) => ({ purl: toPurl('npm', failure.name), message: `${failure.reason} (required by ${failure.requiredBy || 'the roots'})` }));
      const described = await describeVersions(wanted, context, problems);
      for (const [purl, found] of packages) {
        const extra = described.get(purl);
        if (extra) packages.set(purl, { ...found, ...extra });
      }
      const edges = toGraphEdges(resolution, NPM_PROJECT).filter((edge) => edge.from !== NPM_PROJECT);
      return { packages: [...packages.values()], edges, sources: [{ name: source, reachable: true }], problems };
    },
    async describe(wanted, context) {
      const byName = new Map<string, Set<string>>();
      for (const { name, version } of wanted) byName.set(name, (byName.get(name) ?? new Set()).add(version));
      const described = await describeVersions(byName, context, []);
      return wanted.flatMap(({ name, version }) => {
        const purl = toPurl('npm', name, version);
        const found = described.get(purl);
        return found ? [{ ecosystem: 'npm' as const, name, version, purl, root: false, ...found }] : [];
      });
    },
  };
}

// ---------------------------------------------------------------------------
// PyPI

/** `share/jupyter/labextensions/<name or @scope/name>/package.json` in a wheel's data directory. */
const LABEXTENSION_MANIFEST = /^[^/]+\.data\/data\/share\/jupyter\/labextensions\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/;

/** A PEP 508 marker naming a target environment, for edges that exist in only some of several. */
export function environmentMarker(environment: TargetEnvironment): string {
  return `python_version == "${environment.python_version}" and sys_platform == "${environment.sys_platform}" and platform_machine == "${environment.platform_machine}"`;
}

function releasesOf(page: PypiProjectPage): ReleaseFact[] {
  const byVersion = new Map<string, RegistryFile[]>();
  for (const file of page.files) {
    if (file.version === null || file.kind === 'other') continue;
    const version = file.version.normalized;
    const files = byVersion.get(version);
    if (files) files.push(file);
    else byVersion.set(version, [file]);
  }
  return [...byVersion].map(([version, files]) => {
    const times = files.map((file) => file.uploadTime).filter((time): time is string => time !== null).sort();
    return {
      version,
      publishedAt: times[0] ?? null,
      yanked: files.every((file) => file.yanked),
      // PEP 740: known only where the index stated it for every file (mirrors strip the key).
      provenance: files.some((file) => file.provenanceUrl !== null) ? true : files.every((file) => file.provenanceKnown) ? false : null,
    };
  });
}

export async function labextensionsOf(registry: PypiRegistry, file: RegistryFile | undefined): Promise<LabextensionManifest[] | null> {
  if (!file || file.kind !== 'wheel') return null;
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

/**
 * The SPDX expression (PEP 639) where given; else a one-line `License`; else
 * the licence classifiers. A `License` field holding the whole licence text
 * says nothing short.
 */
export function licenseOf(info: { licenseExpression: string | null; license: string | null; classifiers: string[] }): string | null {
  if (info.licenseExpression?.trim()) return info.licenseExpression.trim();
  const license = info.license?.trim();
  if (license && license !== 'UNKNOWN' && !license.includes('\n') && license.length <= 100) return license;
  const classifiers = info.classifiers.filter((classifier) => classifier.startsWith('License :: ')).map((classifier) => classifier.split(' :: ').at(-1)!);
  return classifiers.length > 0 ? classifiers.join(' AND ') : null;
}

export function createPypiResolver(options: {
  registry: PypiRegistry;
  source?: string;
  readLabextensions?: boolean;
  /** The resolver's index options: its summary store of parsed pages and dependencies (fast warm runs). */
  index?: RegistryIndexOptions;
}): EcosystemResolver {
  const source = options.source ?? 'pypi';
  const { registry } = options;
  const readLabextensions = options.readLabextensions ?? true;

  async function factsFor(name: string, version: string, filename: string | null, problems: ResolveProblem[]): Promise<PackageFacts> {
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
      if (readLabextensions && filename) facts.labextensions = await labextensionsOf(registry, file);
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
      const index = memoizeIndex(createRegistryIndex(registry, options.index ?? {}));
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
          resolution = await resolvePypi(pypiRoots, { index, environment, events: context.events });
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
        const facts = await factsFor(found.name, found.version, found.filename, problems);
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
        return { ecosystem: 'PyPI' as const, name, version, purl: toPurl('PyPI', name, version), root: false, facts: await factsFor(name, version, null, problems) };
      });
      return described.filter((entry): entry is NonNullable<typeof entry> => entry !== null);
    },
  };
}

// ---------------------------------------------------------------------------
// conda

/** conda-forge builds each package from a feedstock repository of this name. */
function feedstockUrl(channelName: string, record: CondaPackageRecord): string[] {
  return channelName === 'conda-forge' ? [`https://github.com/conda-forge/${record.name}-feedstock`] : [];
}

export function createCondaResolver(options: {
  /** The channel for a name (`conda-forge`), or null when no URL is configured for it. */
  channelFor: (channelName: string) => CondaChannel | null;
}): EcosystemResolver {
  return {
    ecosystem: 'conda',
    sourceNames: ['conda-forge'],
    async resolve(roots, context): Promise<EcosystemResolution> {
      const byChannel = new Map<string, RootRequest[]>();
      for (const root of roots) {
        const channelName = root.qualifiers.channel ?? 'conda-forge';
        const group = byChannel.get(channelName);
        if (group) group.push(root);
        else byChannel.set(channelName, [root]);
      }
      const result: EcosystemResolution = { packages: [], edges: [], sources: [], problems: [] };
      const environment = context.environments[0]!;
      const platform = condaPlatformFor(environment);
      for (const [channelName, channelRoots] of byChannel) {
        // One problem per root, pushed one by one: push(...list) overflows the stack on a large lockfile.
        const addRootProblems = (message: string) => {
          for (const root of channelRoots) result.problems.push({ purl: root.purl, message });
        };
        const channel = options.channelFor(channelName);
        if (!channel) {
          const message = `no URL is configured for the conda channel ${channelName} (set channels or channel_alias in .condarc, or registries.conda in chainwatch.yaml)`;
          result.sources.push({ name: channelName, reachable: false, error: message });
          addRootProblems(message);
          continue;
        }
        if (!platform.ok) {
          result.sources.push({ name: channel.source, reachable: true });
          addRootProblems(platform.error.message);
          continue;
        }
        try {
          const outcome = await resolveConda(channel, { roots: channelRoots.map((root) => matchSpecFromPurl(root)), platform: platform.value, python: environment.python_version });
          if (!outcome.ok) {
            result.sources.push({ name: channel.source, reachable: true });
            addRootProblems(outcome.error.message);
            continue;
          }
          const resolution = outcome.value;
          const purlByName = new Map(resolution.packages.map((item) => [item.record.name, condaPurl(item.record, channelName)]));
          for (const item of resolution.packages) {
            const history = await channel.records(item.record.name);
            const twin = pypiTwin(item.record);
            result.packages.push({
              ecosystem: 'conda',
              name: item.record.name,
              version: item.record.version,
              purl: purlByName.get(item.record.name)!,
              root: item.root,
              facts: {
                releasedAt: item.record.timestamp === undefined ? null : new Date(item.record.timestamp).toISOString(),
                releases: condaReleases(history),
                license: item.record.license ?? null,
                repositoryUrls: feedstockUrl(channelName, item.record),
                pypiName: twin.status === 'known' ? twin.pypiName : null,
              },
            });
          }
          for (const dependency of resolution.dependencies) {
            const from = purlByName.get(dependency.from);
            const to = purlByName.get(dependency.to);
            if (from && to) result.edges.push({ from, to, requirement: dependency.spec, kind: 'runtime' });
          }
          result.sources.push({ name: channel.source, reachable: true });
        } catch (error) {
          if (!(error instanceof HostError)) throw error;
          result.sources.push({ name: channel.source, reachable: false, error: error.message });
          addRootProblems(error.message);
        }
      }
      return result;
    },
  };
}

/** One release per version, at its earliest build's timestamp. */
function condaReleases(records: readonly CondaPackageRecord[]): ReleaseFact[] {
  const earliest = new Map<string, number | null>();
  for (const record of records) {
    const known = earliest.get(record.version);
    const time = record.timestamp ?? null;
    if (!earliest.has(record.version) || (time !== null && (known === null || known === undefined || time < known))) earliest.set(record.version, time);
  }
  return [...earliest].map(([version, time]) => ({ version, publishedAt: time === null ? null : new Date(time).toISOString() }));
}

/** A conda channel over HTTP for the run's first target platform (and noarch). */
export function condaChannelFactory(options: {
  http: HttpClient;
  channelUrl: (channelName: string) => string | null;
  environment: TargetEnvironment;
}): (channelName: string) => CondaChannel | null {
  const channels = new Map<string, CondaChannel | null>();
  return (channelName) => {
    if (channels.has(channelName)) return channels.get(channelName)!;
    const url = options.channelUrl(channelName);
    const platform = condaPlatformFor(options.environment);
    const channel = url === null ? null : createCondaChannel({ http: options.http, channelUrl: url, subdirs: platform.ok ? ['noarch', platform.value] : ['noarch'], source: channelName });
    channels.set(channelName, channel);
    return channel;
  };
}

/**
 * A resolver whose registry is made on first use: a missing endpoint (no
 * index configured) then fails this ecosystem alone, as an unreachable
 * source, instead of the whole run.
 */
function lazyResolver(ecosystem: EcosystemResolver['ecosystem'], sourceNames: readonly string[], make: () => EcosystemResolver): EcosystemResolver {
  let made: EcosystemResolver | null = null;
  const get = () => (made ??= make());
  return {
    ecosystem,
    sourceNames,
    resolve: (roots, context) => get().resolve(roots, context),
    describe: async (packages, context) => get().describe?.(packages, context) ?? [],
  };
}

/** The three resolvers over the real registries, with endpoints from the ecosystems' own configuration. */
export function createRegistryResolvers(options: {
  http: HttpClient;
  registries: RegistryConfig;
  /** The run's first target environment decides the conda platform. */
  environment: TargetEnvironment;
  pypiIndex?: RegistryIndexOptions;
}): Record<GraphEcosystem, EcosystemResolver> {
  const { http, registries } = options;
  return {
    npm: lazyResolver('npm', ['npm'], () =>
      createNpmResolver({ registry: createNpmRegistry({ http, resolveRegistry: (name) => resolveNpmRegistry(name, registries.npm) }) }),
    ),
    PyPI: lazyResolver('PyPI', ['pypi'], () => {
      const index = resolvePypiIndex(registries.pypi);
      const registry = createPypiRegistry({ http, indexUrl: index.url, ...(index.authorization ? { authorization: index.authorization } : {}) });
      // Project pages are read by the resolver's lean reader through the same client and credentials.
      const pages = { http, ...(index.authorization ? { authorization: index.authorization } : {}) };
      return createPypiResolver({ registry, ...(options.pypiIndex ? { index: { pages, ...options.pypiIndex } } : {}) });
    }),
    conda: createCondaResolver({
      channelFor: condaChannelFactory({ http, environment: options.environment, channelUrl: (name) => resolveCondaChannel(name, registries.conda) }),
    }),
  };
}
