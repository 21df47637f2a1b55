import { ChainwatchError } from '../../core/errors.js';
import { toPurl } from '../../core/package.js';
import { resolveNpmRegistry } from '../../ecosystems/npm/config.js';
import { createNpmRegistry, isFullPackument, type NpmRegistry } from '../../ecosystems/npm/registry.js';
import type { GraphModule } from '../module.js';
import { lazyResolver, mapAll, progress, type EcosystemResolution, type EcosystemResolver, type ResolveContext, type ResolvedPackage, type ResolveProblem } from '../resolver.js';
import { resolveNpm, toGraphEdges } from './resolve.js';
import { npmVersionSignals } from './signals.js';

/**
 * npm's resolver (resolve.ts) adapted to the EcosystemResolver interface
 * buildGraph() calls: the lockfile's packages become packages with registry
 * facts and signals, its edges edges between purls. A host that fails
 * propagates as HostError (buildGraph lists the source as unreachable); a
 * root that does not resolve is a problem of that root.
 */

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

/** npm in the graph: resolved as one package.json listing every root, from the registry npm's configuration names. */
export const npmGraphModule: GraphModule = {
  ecosystem: 'npm',
  sourceNames: ['npm'],
  registryResolver: ({ http, registries, excludeNewer }) =>
    lazyResolver('npm', ['npm'], () => createNpmResolver({ registry: createNpmRegistry({ http, resolveRegistry: (name) => resolveNpmRegistry(name, registries.npm) }), before: excludeNewer ?? null })),
};
