import type { Clock } from '../core/clock.js';
import type { EventSink } from '../core/events.js';
import type { Ecosystem } from '../core/package.js';
import type { TargetEnvironment } from '../ecosystems/pypi/environment.js';
import type { GraphEdge, PackageSignals, SourceStatus } from './types.js';

/**
 * What buildGraph() asks of each ecosystem's resolver. The PyPI, npm and conda
 * resolvers (src/graph/pypi/, npm/, conda/) are adapted to this shape in their
 * folder's adapter.ts, so build.ts never depends on one registry's types.
 */

/** One package a run starts from, read from a PURL, a preset or a config. */
export interface RootRequest {
  ecosystem: Ecosystem;
  /** Normalised with core normalizeName(). */
  name: string;
  /** null: the newest release (npm's `latest` dist-tag; PyPI's newest non-yanked final release). */
  version: string | null;
  /** PURL qualifiers, e.g. `channel=conda-forge`. */
  qualifiers: Record<string, string>;
  /** The PURL as the user wrote it, for messages. */
  purl: string;
}

/** One release of a package, for cadence, age and "the previous version". */
export interface PackageRelease {
  version: string;
  /** Upload / publish time (ISO); null when the registry did not say. */
  publishedAt: string | null;
  yanked?: boolean;
  /** Whether this release carried provenance/attestations; null or absent when not known. */
  provenance?: boolean | null;
}

/** What a labextension's package.json (inside a wheel's share/jupyter/labextensions/) declares. */
export interface LabextensionManifest {
  /** Path inside the wheel, for messages. */
  path: string;
  name: string;
  version: string;
  /** `dependencies` as written. */
  dependencies?: Record<string, string>;
  /** `bundledDependencies` / `bundleDependencies`: names whose code ships inside the extension. */
  bundledDependencies?: string[];
}

/**
 * What a registry told us about one package version. `null` or an absent
 * field means "not known" (a mirror stripped it, the format has no such
 * field): signals.ts turns that into a visibly unknown signal, never into
 * false or zero.
 */
export interface PackageFacts {
  releasedAt?: string | null;
  /** Every release of the package (any order). */
  releases?: PackageRelease[] | null;
  yanked?: boolean | null;
  /** npm's deprecation message, or false when the version is not deprecated. */
  deprecated?: string | false | null;
  /** npm lifecycle scripts that run on install: the names among preinstall/install/postinstall present. */
  installScripts?: string[] | null;
  /** Provenance / PEP 740 attestations / npm provenance present for this version. */
  provenance?: boolean | null;
  /** Maintainer names where the registry lists them, else a count. */
  maintainers?: string[] | number | null;
  license?: string | null;
  /** Repository URLs as the registry gave them (npm `repository`, PyPI project URLs), most trusted first. */
  repositoryUrls?: string[] | null;
  /** PyPI wheels: the labextensions found inside; [] when the wheel has none; null when not looked at. */
  labextensions?: LabextensionManifest[] | null;
  /**
   * conda: the PyPI project this package installs, when known on evidence
   * (repodata `purls`, a verified mapping). No twin edge is drawn without it:
   * conda and PyPI names differ too often for a same-name guess.
   */
  pypiName?: string | null;
}

export interface ResolvedPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
  root: boolean;
  facts: PackageFacts;
  /**
   * Signals the ecosystem already derived from its registry data (npm's
   * npmVersionSignals). A known signal here wins; signals.ts fills the rest
   * from `facts`.
   */
  signals?: PackageSignals;
}

export interface ResolveProblem {
  /** The root or package the problem is about. */
  purl: string;
  message: string;
}

export interface EcosystemResolution {
  packages: ResolvedPackage[];
  /** Edges between packages of this ecosystem (purls as in `packages`). */
  edges: GraphEdge[];
  /** Every source the resolver used, reachable or not. */
  sources: SourceStatus[];
  /** Roots that could not be resolved and other per-package failures. */
  problems: ResolveProblem[];
}

export interface ResolveContext {
  /** PyPI target environments (markers, wheels); others ignore it. */
  environments: readonly TargetEnvironment[];
  offline: boolean;
  clock: Clock;
  events: EventSink;
}

export interface EcosystemResolver {
  ecosystem: Ecosystem;
  /** The source names it talks to (`pypi`, `npm`, `conda-forge`), for the source list when it is left out. */
  sourceNames: readonly string[];
  resolve(roots: readonly RootRequest[], context: ResolveContext): Promise<EcosystemResolution>;
  /**
   * Facts for exact versions without resolving their dependencies: the npm
   * packages a wheel bundles, the PyPI twin of a conda package. Optional:
   * without it those nodes carry unknown signals.
   */
  describe?(packages: readonly { name: string; version: string }[], context: ResolveContext): Promise<ResolvedPackage[]>;
}

// ---------------------------------------------------------------------------
// Shared by the adapters

/** Work on many packages at once, the HTTP client limits what goes to each host. */
export async function mapAll<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  return Promise.all(items.map(work));
}

export function progress(context: ResolveContext, task: string, done: number, total: number, detail?: string): void {
  context.events.emit({ type: 'progress', task, done, total, ...(detail === undefined ? {} : { detail }) });
}

/**
 * A resolver whose registry is made on first use: a missing endpoint (no
 * index configured) then fails this ecosystem alone, as an unreachable
 * source, instead of the whole run.
 */
export function lazyResolver(ecosystem: EcosystemResolver['ecosystem'], sourceNames: readonly string[], make: () => EcosystemResolver | Promise<EcosystemResolver>): EcosystemResolver {
  // Kept once made; a failed make (no index) is tried again on the next call, as before.
  let made: Promise<EcosystemResolver> | null = null;
  const get = (): Promise<EcosystemResolver> => {
    if (!made) {
      const making = (async () => make())();
      made = making;
      making.catch(() => {
        if (made === making) made = null;
      });
    }
    return made;
  };
  return {
    ecosystem,
    sourceNames,
    resolve: async (roots, context) => (await get()).resolve(roots, context),
    describe: async (packages, context) => (await get()).describe?.(packages, context) ?? [],
  };
}
