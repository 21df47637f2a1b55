/**
 * A PyPI resolver that gives the same answer as `uv pip compile` for one
 * target environment (`--python-version X.Y --python-platform <triple>`).
 *
 * It drives the PubGrub core (pubgrub.ts) with uv's policy: which package to
 * decide next (uv's priorities: first-seen order, pins and proxies first,
 * conflict-driven re-prioritisation), which version to try (highest first,
 * stable before pre-release, yanked, wheel-less and too-new files skipped,
 * `Requires-Python` compared on its lower bound as uv does), and how extras and
 * markers become virtual packages. See readme.md for what it does and does not
 * reproduce.
 */
import { compareText } from '../../core/compare.js';
import { ChainwatchError } from '../../core/errors.js';
import { silentSink, type EventSink } from '../../core/events.js';
import { normalizeName } from '../../core/package.js';
import type { TargetEnvironment } from '../../ecosystems/pypi/environment.js';
import { parsePep440Version, type Pep440Version } from '../../ecosystems/pypi/pep440-version.js';
import { parseRequirement, type Pep508Requirement } from '../../ecosystems/pypi/requirement.js';
import { parsePep440SpecifierSet, type Pep440SpecifierSet } from '../../ecosystems/pypi/specifier.js';
import { memoizeIndex, type PypiIndexFile, type PypiIndex, type PypiMetadata, type PypiRelease } from './pypi-index.js';
import { NoSolutionError, PubGrubState, type Priority } from './pubgrub.js';
import { applicableRequirements, markerToString, type ApplicableRequirement } from './requirements.js';
import { positive, VersionSet } from './version-set.js';
import { createWheelTagPolicy, type WheelTagPolicy } from './wheel-tags.js';

export type { PypiIndex } from './pypi-index.js';

export interface PypiRoot {
  name: string;
  /** PEP 440 specifiers (`>=4,<5`); empty or absent for any version. */
  specifier?: string;
  extras?: string[];
}

export type PrereleasePolicy = 'if-necessary' | 'allow' | 'disallow';

export interface ResolvePypiOptions {
  index: PypiIndex;
  environment: TargetEnvironment;
  /** uv's `--prerelease`: `if-necessary` (default: stable first, pre-releases when nothing else fits), `allow`, `disallow`. */
  prereleases?: PrereleasePolicy;
  /** uv's `--exclude-newer`: files uploaded at or after this instant are treated as absent (so are files without an upload time). */
  excludeNewer?: string | Date;
  events?: EventSink;
}

export interface ResolvedPypiPackage {
  /** PEP 503 normalised name. */
  name: string;
  version: string;
  /** Extras of this package that some dependent asked for, normalised and sorted. */
  extras: string[];
  /** The file whose metadata gave the dependencies (the best wheel for the target, else the sdist). */
  filename: string;
}

export interface ResolvedPypiEdge {
  /** The dependent's normalised name; null for the requested roots. */
  from: string | null;
  to: string;
  /** The requirement as written (`jupyter-server<3,>=2.4.0`). */
  requirement: string;
  /** What is left of the marker once `extra` is settled, if anything. */
  marker?: string;
  /** `runtime` for a package's own dependencies, `optional` for those an extra adds. */
  kind: 'runtime' | 'optional';
  /** The extra of `from` that added this edge. */
  extra?: string;
}

export interface UnknownPypiItem {
  name: string;
  version?: string;
  reason: string;
}

export interface PypiResolution {
  packages: ResolvedPypiPackage[];
  edges: ResolvedPypiEdge[];
  /** Projects the index does not have and versions whose metadata could not be read (skipped by the resolver). */
  unknown: UnknownPypiItem[];
  /** Versions tried, PubGrub conflicts resolved, and backjumps (decisions undone). */
  stats: { decisions: number; backtracks: number; conflicts: number };
}

/** Thrown when no set of versions satisfies the roots; `conflicts` lists the facts that clash, one sentence each. */
export class PypiResolutionError extends ChainwatchError {
  readonly conflicts: string[];
  constructor(conflicts: string[]) {
    super('invalid-argument', `no versions satisfy the requested PyPI packages:\n${conflicts.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'PypiResolutionError';
    this.conflicts = conflicts;
  }
}

// ---- the packages PubGrub sees ---------------------------------------------

type VirtualPackage =
  | { kind: 'root' }
  | { kind: 'python' }
  /** The distribution itself. */
  | { kind: 'base'; name: string }
  /** uv's `Extra` proxy: `name[extra]`, depends on the base and on the extra's dependencies at the same version. */
  | { kind: 'extra-proxy'; name: string; extra: string }
  /** The dependencies an extra adds. */
  | { kind: 'extra'; name: string; extra: string }
  /** uv's `Marker` proxy: a dependency with a marker that held; depends on the base at the same version. */
  | { kind: 'marker-proxy'; name: string; marker: string };

function packageKey(virtual: VirtualPackage): string {
  switch (virtual.kind) {
    case 'root':
    case 'python':
      return `<${virtual.kind}>`;
    case 'base':
      return virtual.name;
    case 'extra-proxy':
      return `${virtual.name}[${virtual.extra}]`;
    case 'extra':
      return `${virtual.name}{${virtual.extra}}`;
    case 'marker-proxy':
      return `${virtual.name};${virtual.marker}`;
  }
}

function nameOf(virtual: VirtualPackage): string | null {
  return virtual.kind === 'root' || virtual.kind === 'python' ? null : virtual.name;
}

// ---- uv's priorities (crates/uv-resolver/src/pubgrub/priority.rs) -----------

const CATEGORY = { unspecified: 0, conflictLate: 1, conflictEarly: 2, singleton: 3, root: 5 } as const;
type Category = keyof typeof CATEGORY;

interface NamePriority {
  category: Category;
  /** First-seen order of the name. */
  index: number;
}

// The number of conflicts a package may cause or suffer before uv re-prioritises it.
const CONFLICT_THRESHOLD = 5;

// ---- versions and files ------------------------------------------------------

interface ReleaseInfo {
  version: Pep440Version;
  /** The releases of the index with this version (usually one), read only when the version is considered. */
  sources: PypiRelease[];
  /** The files uv would see, once computed. */
  files?: PypiIndexFile[];
}

type Distribution =
  | { compatible: true; file: PypiIndexFile; requiresPython?: string }
  | { compatible: false; reason: string };

interface ProjectVersions {
  name: string;
  /** Ascending. Index = position in every VersionSet of this project's packages. */
  releases: ReleaseInfo[];
  distributions: Map<number, Distribution>;
}

interface Dependency {
  package: number;
  range: VersionSet;
  singleton: boolean;
  /** The base package a proxy stands for. */
  base?: number;
  edge?: ResolvedPypiEdge;
}

type Choice =
  | { type: 'version'; version: number }
  | { type: 'none' }
  | { type: 'unavailable'; version: number; reason: string }
  | { type: 'requires-python'; version: number; requiresPython: string };

function parseCutoff(value: string | Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) throw new ChainwatchError('invalid-argument', `not a date: ${String(value)}`);
  return time;
}

const SDIST_EXTENSIONS = /\.(tar\.gz|zip)$/i;
const OTHER_SDIST_EXTENSIONS = /\.(tar\.bz2|tar\.xz|tgz|tbz|txz|tar\.zst|tar)$/i;

function releaseSegments(version: Pep440Version): number[] {
  return version.release.map(Number);
}

function compareReleases(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * uv's test for `Requires-Python` (RequiresPython::is_contained_by): only the
 * lower bound counts, so `>=3.8,<3.12` admits 3.12 and `>=3.13` does not.
 * Only release numbers are compared, as uv's `release_specifiers_to_ranges`.
 */
export function requiresPythonAdmits(requiresPython: string, pythonFullVersion: string): boolean {
  const parsed = parsePep440SpecifierSet(requiresPython);
  if (!parsed.ok) return true;
  const target = pythonFullVersion.split('.').map(Number);
  let lower: { release: number[]; inclusive: boolean } | null = null;
  for (const specifier of parsed.value.specifiers) {
    let bound: { release: number[]; inclusive: boolean } | null = null;
    const text = specifier.version.replace(/\.\*$/, '');
    const version = parsePep440Version(text);
    if (!version.ok) continue;
    const release = releaseSegments(version.value);
    switch (specifier.operator) {
      case '>=':
      case '==':
      case '~=':
      case '===':
        bound = { release, inclusive: true };
        break;
      case '>':
        bound = { release, inclusive: false };
        break;
      default:
        break;
    }
    if (!bound) continue;
    if (!lower) lower = bound;
    else {
      const order = compareReleases(bound.release, lower.release);
      if (order > 0 || (order === 0 && !bound.inclusive)) lower = bound;
    }
  }
  if (!lower) return true;
  const order = compareReleases(lower.release, target);
  return order < 0 || (order === 0 && lower.inclusive);
}

/**
 * Resolves root requirements to one version per package, as `uv pip compile`
 * does for the given target environment. Throws PypiResolutionError when the
 * roots cannot be satisfied; host failures of the index propagate.
 */
export async function resolvePypi(roots: readonly PypiRoot[], options: ResolvePypiOptions): Promise<PypiResolution> {
  const resolver = new Resolver(roots, options);
  return resolver.run();
}

class Resolver {
  readonly #roots: readonly PypiRoot[];
  readonly #index: PypiIndex;
  readonly #environment: TargetEnvironment;
  readonly #prereleases: PrereleasePolicy;
  readonly #cutoff: number | undefined;
  readonly #events: EventSink;
  readonly #tags: WheelTagPolicy;

  readonly #packages: VirtualPackage[] = [];
  readonly #packageIds = new Map<string, number>();
  readonly #projects = new Map<string, ProjectVersions>();
  readonly #projectLoads = new Map<string, Promise<ProjectVersions | null>>();
  readonly #metadata = new Map<string, Promise<{ requirements: Pep508Requirement[]; requiresPython?: string; caveat?: string } | 'unknown'>>();
  /** Caveats of the metadata used, by `name\nversion`. */
  readonly #caveats = new Map<string, string>();
  readonly #unknown: UnknownPypiItem[] = [];
  readonly #allowedYanks = new Map<string, Set<string>>();

  // uv's priority state.
  readonly #namePriority = new Map<string, NamePriority>();
  readonly #tiebreak = new Map<number, number>();
  readonly #culprit = new Map<number, number>();
  readonly #affected = new Map<number, number>();
  #toPrioritize: number[] = [];
  #toDeprioritize: number[] = [];

  readonly #addedDependencies = new Map<number, Set<number>>();
  readonly #dependencyCache = new Map<string, Dependency[] | { unavailable: string }>();
  readonly #requirementText = new Map<string, string>();
  #state!: PubGrubState;
  #next = 0;
  #decisions = 0;

  constructor(roots: readonly PypiRoot[], options: ResolvePypiOptions) {
    this.#roots = roots;
    this.#index = memoizeIndex(options.index);
    this.#environment = options.environment;
    this.#prereleases = options.prereleases ?? 'if-necessary';
    this.#cutoff = parseCutoff(options.excludeNewer);
    this.#events = options.events ?? silentSink;
    this.#tags = createWheelTagPolicy(options.environment);
  }

  // ---- packages ----

  #packageId(virtual: VirtualPackage): number {
    const key = packageKey(virtual);
    let id = this.#packageIds.get(key);
    if (id === undefined) {
      id = this.#packages.length;
      this.#packages.push(virtual);
      this.#packageIds.set(key, id);
    }
    return id;
  }

  #size(id: number): number {
    const virtual = this.#packages[id]!;
    if (virtual.kind === 'root') return 1;
    // The target Python is index 0; index 1 stands for "a Python this target is not".
    if (virtual.kind === 'python') return 2;
    // A project the index lacks has one version that can never be chosen, so that depending on it is a
    // constraint PubGrub can only fail to meet when it picks the package, as in uv (not an empty range).
    return this.#projects.get(virtual.name)?.releases.length ?? 1;
  }

  #label(id: number): string {
    const virtual = this.#packages[id]!;
    switch (virtual.kind) {
      case 'root':
        return 'the requested packages';
      case 'python':
        return 'Python';
      case 'base':
      case 'marker-proxy':
        return virtual.name;
      case 'extra-proxy':
      case 'extra':
        return `${virtual.name}[${virtual.extra}]`;
    }
  }

  // ---- the index ----

  #loadProject(name: string): Promise<ProjectVersions | null> {
    let load = this.#projectLoads.get(name);
    if (!load) {
      load = this.#index.versions(name).then((releases) => {
        const project = releases === null ? null : this.#buildProject(name, releases);
        if (project) this.#projects.set(name, project);
        return project;
      });
      this.#projectLoads.set(name, load);
    }
    return load;
  }

  #buildProject(name: string, releases: readonly PypiRelease[]): ProjectVersions {
    const byVersion = new Map<string, ReleaseInfo>();
    for (const release of releases) {
      const version = release.parsed !== undefined ? release.parsed : parsedOrNull(release.version);
      // uv reads versions from file names and skips what is not PEP 440.
      if (version === null || !this.#releaseExists(release)) continue;
      const key = version.normalized;
      const existing = byVersion.get(key);
      if (existing) existing.sources.push(release);
      else byVersion.set(key, { version, sources: [release] });
    }
    const sorted = [...byVersion.values()].sort((a, b) => a.version.compare(b.version));
    return { name, releases: sorted, distributions: new Map() };
  }

  /** Does any file of the release exist for uv? The index's `earliestUpload` hint spares reading every file list. */
  #releaseExists(release: PypiRelease): boolean {
    if (release.earliestUpload !== undefined) {
      if (this.#cutoff === undefined) return true;
      if (release.earliestUpload === null) return false;
      const uploaded = Date.parse(release.earliestUpload);
      return !Number.isNaN(uploaded) && uploaded < this.#cutoff;
    }
    return release.files.some((file) => this.#fileExists(file));
  }

  #filesOf(release: ReleaseInfo): PypiIndexFile[] {
    release.files ??= release.sources.flatMap((source) => source.files.filter((file) => this.#fileExists(file)));
    return release.files;
  }

  /** Files uv would not see at all: too new for --exclude-newer, or neither a wheel nor an sdist. */
  #fileExists(file: PypiIndexFile): boolean {
    const isDistribution = /\.whl$/i.test(file.filename) || SDIST_EXTENSIONS.test(file.filename) || OTHER_SDIST_EXTENSIONS.test(file.filename);
    if (!isDistribution) return false;
    if (this.#cutoff === undefined) return true;
    if (!file.uploadTime) return false;
    const uploaded = Date.parse(file.uploadTime);
    return !Number.isNaN(uploaded) && uploaded < this.#cutoff;
  }

  #distribution(project: ProjectVersions, index: number): Distribution {
    let found = project.distributions.get(index);
    if (found) return found;
    const release = project.releases[index]!;
    const yankAllowed = this.#allowedYanks.get(project.name)?.has(release.version.normalized) ?? false;
    let bestWheel: { file: PypiIndexFile; priority: number } | null = null;
    let sdist: PypiIndexFile | null = null;
    let reason = 'no usable file';
    for (const file of this.#filesOf(release)) {
      if (file.yanked && !yankAllowed) {
        reason = 'yanked';
        continue;
      }
      if (/\.whl$/i.test(file.filename)) {
        const priority = this.#tags.priority(file.filename);
        if (priority === undefined) {
          if (reason === 'no usable file') reason = 'no wheel for the target platform and no source distribution';
          continue;
        }
        if (!bestWheel || priority < bestWheel.priority) bestWheel = { file, priority };
      } else if (SDIST_EXTENSIONS.test(file.filename)) {
        sdist ??= file;
      }
    }
    const chosen = bestWheel?.file ?? sdist;
    found = chosen
      ? { compatible: true, file: chosen, ...(chosen.requiresPython ? { requiresPython: chosen.requiresPython } : {}) }
      : { compatible: false, reason };
    project.distributions.set(index, found);
    return found;
  }

  #readMetadata(project: ProjectVersions, index: number, file: PypiIndexFile) {
    const release = project.releases[index]!;
    const key = `${project.name}\n${release.version.normalized}`;
    let found = this.#metadata.get(key);
    if (!found) {
      found = this.#index.metadata(project.name, release.version.text, file).then((metadata) => this.#parseMetadata(metadata));
      // A failed fetch must not poison later attempts nor surface as an unhandled rejection before it is awaited.
      found.catch(() => this.#metadata.delete(key));
      this.#metadata.set(key, found);
    }
    return found;
  }

  #parseMetadata(metadata: PypiMetadata | 'unknown') {
    if (metadata === 'unknown') return 'unknown' as const;
    return {
      requirements: metadata.requiresDist,
      ...(metadata.requiresPython ? { requiresPython: metadata.requiresPython } : {}),
      ...(metadata.caveat ? { caveat: metadata.caveat } : {}),
    };
  }

  // ---- priorities ----

  #registerPriority(id: number, singleton: boolean): void {
    if (!this.#tiebreak.has(id)) this.#tiebreak.set(id, this.#tiebreak.size);
    const name = nameOf(this.#packages[id]!);
    if (name === null) return;
    const existing = this.#namePriority.get(name);
    if (!existing) {
      this.#namePriority.set(name, { category: singleton ? 'singleton' : 'unspecified', index: this.#namePriority.size });
      return;
    }
    if (!singleton && (existing.category === 'conflictEarly' || existing.category === 'conflictLate')) return;
    const category: Category = singleton ? 'singleton' : 'unspecified';
    if (CATEGORY[category] > CATEGORY[existing.category]) existing.category = category;
  }

  #priority(id: number): Priority {
    const virtual = this.#packages[id]!;
    if (virtual.kind === 'root') return [CATEGORY.root, 0, 0];
    if (virtual.kind === 'python') return [CATEGORY.root, 0, -2];
    const name = this.#namePriority.get(virtual.name);
    const tiebreak = this.#tiebreak.get(id) ?? Number.MAX_SAFE_INTEGER;
    if (!name) return [CATEGORY.unspecified, -Number.MAX_SAFE_INTEGER, -tiebreak];
    return [CATEGORY[name.category], -name.index, -tiebreak];
  }

  #markConflict(id: number, category: 'conflictEarly' | 'conflictLate'): boolean {
    const name = nameOf(this.#packages[id]!);
    if (name === null) return false;
    const existing = this.#namePriority.get(name);
    if (!existing) {
      this.#namePriority.set(name, { category, index: this.#namePriority.size });
      return true;
    }
    if (existing.category === 'conflictEarly') return false;
    if (category === 'conflictLate' && existing.category === 'conflictLate') return false;
    existing.category = category;
    return true;
  }

  /** uv's conflict statistics: frequent culprits are decided later, frequent victims earlier. */
  #recordConflict(affected: number, incompatibility: number): void {
    let culpritIsReal = false;
    const affectedName = nameOf(this.#packages[affected]!);
    for (const [package_] of this.#state.store[incompatibility]!.terms) {
      if (package_ === affected) continue;
      if (nameOf(this.#packages[package_]!) === affectedName) continue;
      culpritIsReal = true;
      const count = (this.#culprit.get(package_) ?? 0) + 1;
      this.#culprit.set(package_, count);
      if (count === CONFLICT_THRESHOLD) this.#toDeprioritize.push(package_);
    }
    if (culpritIsReal) {
      const count = (this.#affected.get(this.#next) ?? 0) + 1;
      this.#affected.set(this.#next, count);
      if (count === CONFLICT_THRESHOLD) this.#toPrioritize.push(this.#next);
    }
  }

  #reprioritizeConflicts(): void {
    for (const id of this.#toPrioritize) this.#markConflict(id, 'conflictEarly');
    this.#toPrioritize = [];
    for (const id of this.#toDeprioritize) {
      if (this.#markConflict(id, 'conflictLate')) {
        this.#state.backtrackPackage(id);
      }
    }
    this.#toDeprioritize = [];
  }

  // ---- choosing a version ----

  #choose(id: number, range: VersionSet): Choice {
    const virtual = this.#packages[id]!;
    if (virtual.kind === 'root') return { type: 'version', version: 0 };
    if (virtual.kind === 'python') return { type: 'none' };
    const project = this.#projects.get(virtual.name);
    if (!project) return { type: 'none' };
    const passes: Array<'stable' | 'pre' | 'all'> =
      this.#prereleases === 'allow' ? ['all'] : this.#prereleases === 'disallow' ? ['stable'] : ['stable', 'pre'];
    for (const pass of passes) {
      for (const index of range.descending()) {
        const isPre = project.releases[index]!.version.isPrerelease;
        if ((pass === 'stable' && isPre) || (pass === 'pre' && !isPre)) continue;
        const distribution = this.#distribution(project, index);
        if (!distribution.compatible) return { type: 'unavailable', version: index, reason: distribution.reason };
        if (distribution.requiresPython && !requiresPythonAdmits(distribution.requiresPython, this.#environment.python_full_version)) {
          return { type: 'requires-python', version: index, requiresPython: distribution.requiresPython };
        }
        return { type: 'version', version: index };
      }
    }
    return { type: 'none' };
  }

  // ---- dependencies ----

  #rangeFor(project: ProjectVersions, specifier: Pep440SpecifierSet): VersionSet {
    return VersionSet.fromPredicate(project.releases.length, (index) => specifier.contains(project.releases[index]!.version, { prereleases: true }));
  }

  async #dependenciesOf(id: number, version: number): Promise<Dependency[] | { unavailable: string }> {
    const key = `${id}@${version}`;
    const cached = this.#dependencyCache.get(key);
    if (cached) return cached;
    const computed = await this.#computeDependencies(id, version);
    this.#dependencyCache.set(key, computed);
    return computed;
  }

  async #computeDependencies(id: number, version: number): Promise<Dependency[] | { unavailable: string }> {
    const virtual = this.#packages[id]!;
    switch (virtual.kind) {
      case 'root':
        return this.#toDependencies(
          null,
          this.#rootRequirements().map((requirement) => ({ requirement, conditional: false })),
        );
      case 'python':
        return [];
      case 'extra-proxy': {
        const singleton = VersionSet.singleton(this.#size(id), version);
        return [
          { package: this.#packageId({ kind: 'base', name: virtual.name }), range: singleton, singleton: true },
          { package: this.#packageId({ kind: 'extra', name: virtual.name, extra: virtual.extra }), range: singleton, singleton: true },
        ];
      }
      case 'marker-proxy':
        return [{ package: this.#packageId({ kind: 'base', name: virtual.name }), range: VersionSet.singleton(this.#size(id), version), singleton: true }];
      case 'base':
      case 'extra': {
        const project = this.#projects.get(virtual.name)!;
        const distribution = this.#distribution(project, version);
        if (!distribution.compatible) return { unavailable: distribution.reason };
        const metadata = await this.#readMetadata(project, version, distribution.file);
        const release = project.releases[version]!;
        if (metadata === 'unknown') {
          if (virtual.kind === 'base') this.#unknown.push({ name: virtual.name, version: release.version.normalized, reason: 'metadata could not be read' });
          return { unavailable: 'its metadata could not be read' };
        }
        if (metadata.requiresPython && !requiresPythonAdmits(metadata.requiresPython, this.#environment.python_full_version)) {
          return { unavailable: `it requires Python ${metadata.requiresPython}` };
        }
        if (metadata.caveat) this.#caveats.set(`${virtual.name}\n${release.version.normalized}`, metadata.caveat);
        const extra = virtual.kind === 'extra' ? virtual.extra : undefined;
        return this.#toDependencies(virtual.name, applicableRequirements(virtual.name, metadata.requirements, this.#environment, extra));
      }
    }
  }

  #rootRequirements(): Pep508Requirement[] {
    return this.#roots.map((root) => {
      const text = `${root.name}${root.extras && root.extras.length > 0 ? `[${root.extras.join(',')}]` : ''}${root.specifier ?? ''}`;
      const parsed = parseRequirement(text);
      if (!parsed.ok) throw new ChainwatchError('invalid-requirement', `not a PyPI requirement: ${text}`, { cause: parsed.error });
      if (parsed.value.url) throw new ChainwatchError('invalid-requirement', `URL requirements are not supported: ${text}`);
      return parsed.value;
    });
  }

  async #toDependencies(from: string | null, items: ApplicableRequirement[]): Promise<Dependency[] | { unavailable: string }> {
    const names = [...new Set(items.map((item) => item.requirement.normalizedName))];
    await Promise.all(names.map((name) => this.#loadProject(name)));
    const dependencies: Dependency[] = [];
    for (const { requirement, viaExtra, conditional } of items) {
      const name = requirement.normalizedName;
      const project = this.#projects.get(name);
      const text = requirementText(requirement);
      const edge: ResolvedPypiEdge = {
        from,
        to: name,
        requirement: text,
        kind: viaExtra === undefined ? 'runtime' : 'optional',
        ...(requirement.marker ? { marker: markerToString(requirement.marker) } : {}),
        ...(viaExtra === undefined ? {} : { extra: viaExtra }),
      };
      if (!project) {
        // A project the index does not have: any version of it is "no version at all". Reported here, where
        // the solver needs it, not where the crawl merely looked ahead.
        if (!this.#unknown.some((item) => item.name === name && item.version === undefined)) this.#unknown.push({ name, reason: 'not found on the index' });
        const package_ = this.#packageId({ kind: 'base', name });
        dependencies.push({ package: package_, range: VersionSet.full(1), singleton: false, edge });
        continue;
      }
      const range = requirement.url ? VersionSet.full(project.releases.length) : this.#rangeFor(project, requirement.specifierSet);
      const singleton =
        requirement.specifierSet.specifiers.length === 1 &&
        (requirement.specifierSet.specifiers[0]!.operator === '===' ||
          (requirement.specifierSet.specifiers[0]!.operator === '==' && !requirement.specifierSet.specifiers[0]!.version.endsWith('.*')));
      const base = this.#packageId({ kind: 'base', name });
      if (requirement.extras.length > 0) {
        for (const extra of requirement.extras) {
          const proxy = this.#packageId({ kind: 'extra-proxy', name, extra: normalizeName('PyPI', extra) });
          dependencies.push({ package: proxy, range, singleton, base, edge });
        }
      } else if (conditional && requirement.marker) {
        const proxy = this.#packageId({ kind: 'marker-proxy', name, marker: markerToString(requirement.marker) });
        dependencies.push({ package: proxy, range, singleton, base, edge });
      } else {
        dependencies.push({ package: base, range, singleton, edge });
      }
    }
    return dependencies;
  }

  /** Starts fetching what the next decisions will most likely need, so the network works while PubGrub thinks. */
  #prefetch(): void {
    for (const id of this.#state.undecided()) {
      const virtual = this.#packages[id]!;
      if (virtual.kind !== 'base' && virtual.kind !== 'extra') continue;
      const project = this.#projects.get(virtual.name);
      const term = this.#state.termFor(id);
      if (!project || !term || !term.positive) continue;
      const choice = this.#choose(id, term.set);
      if (choice.type !== 'version') continue;
      const distribution = this.#distribution(project, choice.version);
      if (distribution.compatible) this.#readMetadata(project, choice.version, distribution.file).catch(() => undefined);
    }
  }

  /**
   * Walks ahead of the solver: the newest release a requirement allows, its
   * dependencies, theirs... all fetched at once, so the network works at the
   * width of the graph instead of the depth of the solver's decisions. Guesses
   * only warm the memoised fetches; a wrong one costs a request, never a result.
   */
  #crawl(requirement: Pep508Requirement, seen: Set<string>): void {
    const name = requirement.normalizedName;
    const extras = requirement.extras.map((extra) => normalizeName('PyPI', extra)).sort();
    const key = `${name}[${extras.join(',')}]`;
    if (seen.has(key) || requirement.url) return;
    seen.add(key);
    const walk = async () => {
      const project = await this.#loadProject(name);
      if (!project) return;
      const range = this.#rangeFor(project, requirement.specifierSet);
      const choice = this.#choose(this.#packageId({ kind: 'base', name }), range);
      if (choice.type !== 'version') return;
      const distribution = this.#distribution(project, choice.version);
      if (!distribution.compatible) return;
      const metadata = await this.#readMetadata(project, choice.version, distribution.file);
      if (metadata === 'unknown') return;
      const wanted = [undefined, ...extras];
      for (const extra of wanted) {
        for (const item of applicableRequirements(name, metadata.requirements, this.#environment, extra)) this.#crawl(item.requirement, seen);
      }
    };
    walk().catch(() => undefined);
  }

  // ---- the loop (uv's `solve`) ----

  async run(): Promise<PypiResolution> {
    const root = this.#packageId({ kind: 'root' });
    this.#packageId({ kind: 'python' });
    this.#state = new PubGrubState(root, (id) => this.#size(id));
    this.#next = root;
    const roots = this.#rootRequirements();
    // uv allows a yanked release when a root pins it with a single `==` (before any file is judged).
    for (const requirement of roots) {
      const [only, ...others] = requirement.specifierSet.specifiers;
      if (!only || others.length > 0 || (only.operator !== '==' && only.operator !== '===') || only.version.endsWith('.*')) continue;
      const version = parsePep440Version(only.version);
      if (!version.ok) continue;
      let allowed = this.#allowedYanks.get(requirement.normalizedName);
      if (!allowed) this.#allowedYanks.set(requirement.normalizedName, (allowed = new Set()));
      allowed.add(version.value.normalized);
    }
    const crawled = new Set<string>();
    for (const requirement of roots) this.#crawl(requirement, crawled);
    try {
      for (;;) {
        for (const [affected, incompatibility] of this.#state.unitPropagation(this.#next)) this.#recordConflict(affected, incompatibility);
        this.#prefetch();
        this.#reprioritizeConflicts();
        const picked = this.#state.pickHighestPriority((id) => this.#priority(id));
        if (picked === null) break;
        this.#next = picked;
        const term = this.#state.termFor(picked)!;
        const choice = this.#choose(picked, term.set);
        if (choice.type === 'none') {
          this.#state.addIncompatibility([[picked, positive(term.set)]], { type: 'no-versions' });
          continue;
        }
        if (choice.type === 'unavailable') {
          this.#state.addIncompatibility([[picked, positive(VersionSet.singleton(this.#size(picked), choice.version))]], {
            type: 'unavailable',
            reason: choice.reason,
          });
          continue;
        }
        if (choice.type === 'requires-python') {
          // As uv: an incompatibility with "a Python this target is not", then the decision, which unit propagation undoes.
          const python = this.#packageId({ kind: 'python' });
          this.#state.addIncompatibility(
            [
              [picked, positive(VersionSet.singleton(this.#size(picked), choice.version))],
              [python, { positive: false, set: VersionSet.singleton(2, 1) }],
            ],
            { type: 'dependency', dependent: picked, dependency: python },
          );
          this.#state.addDecision(picked, choice.version);
          continue;
        }
        const version = choice.version;
        this.#decisions += 1;
        this.#events.emit({ type: 'progress', task: 'resolve PyPI', done: this.#decisions, detail: this.#label(picked) });
        if (this.#addedDependencies.get(picked)?.has(version)) {
          this.#state.addDecision(picked, version);
          continue;
        }
        const dependencies = await this.#dependenciesOf(picked, version);
        if (!Array.isArray(dependencies)) {
          this.#state.addIncompatibility([[picked, positive(VersionSet.singleton(this.#size(picked), version))]], {
            type: 'unavailable',
            reason: dependencies.unavailable,
          });
          continue;
        }
        let added = this.#addedDependencies.get(picked);
        if (!added) this.#addedDependencies.set(picked, (added = new Set()));
        added.add(version);
        for (const dependency of dependencies) {
          this.#registerPriority(dependency.package, dependency.singleton);
          if (dependency.base !== undefined) this.#registerPriority(dependency.base, dependency.singleton);
        }
        for (const dependency of dependencies) {
          if (dependency.base !== undefined) this.#state.addProxyIncompatibility(dependency.package, dependency.base, dependency.range);
          if (dependency.edge) this.#requirementText.set(`${picked}>${dependency.package}>${dependency.range.key()}`, dependency.edge.requirement);
        }
        const rejected = this.#state.addVersionDependencies(
          picked,
          version,
          dependencies.map((dependency) => [dependency.package, dependency.range] as const),
        );
        if (rejected !== null) this.#recordConflict(picked, rejected);
      }
    } catch (error) {
      if (error instanceof NoSolutionError) throw new PypiResolutionError(this.#explain(error.incompatibility));
      throw error;
    }
    return this.#result();
  }

  #result(): PypiResolution {
    const decided = this.#state.solution();
    const packages = new Map<string, ResolvedPypiPackage>();
    const edges: ResolvedPypiEdge[] = [];
    for (const [id, version] of decided) {
      const virtual = this.#packages[id]!;
      if (virtual.kind === 'base') {
        const project = this.#projects.get(virtual.name)!;
        const distribution = this.#distribution(project, version);
        packages.set(virtual.name, {
          name: virtual.name,
          version: project.releases[version]!.version.normalized,
          extras: [],
          filename: distribution.compatible ? distribution.file.filename : '',
        });
      }
    }
    for (const [id, version] of decided) {
      const virtual = this.#packages[id]!;
      if (virtual.kind !== 'root' && virtual.kind !== 'base' && virtual.kind !== 'extra') continue;
      if (virtual.kind === 'extra') packages.get(virtual.name)?.extras.push(virtual.extra);
      const dependencies = this.#dependencyCache.get(`${id}@${version}`);
      if (!Array.isArray(dependencies)) continue;
      for (const dependency of dependencies) if (dependency.edge) edges.push(dependency.edge);
    }
    for (const resolved of packages.values()) {
      resolved.extras.sort();
      const caveat = this.#caveats.get(`${resolved.name}\n${resolved.version}`);
      if (caveat) this.#unknown.push({ name: resolved.name, version: resolved.version, reason: `dependencies may be incomplete: ${caveat}` });
    }
    return {
      packages: [...packages.values()].sort((a, b) => compareText(a.name, b.name)),
      edges,
      unknown: this.#unknown,
      stats: { decisions: this.#decisions, ...this.#state.counts },
    };
  }

  // ---- explaining failure ----

  #describeVersions(id: number, versions: string[]): string {
    if (versions.length <= 4) return `${this.#label(id)} ${versions.join(', ')}`;
    return `${this.#label(id)} (${versions.length} versions, ${versions[0]} to ${versions[versions.length - 1]})`;
  }

  #describeSet(id: number, set: VersionSet): string {
    const virtual = this.#packages[id]!;
    if (virtual.kind === 'root' || virtual.kind === 'python') return this.#label(id);
    const project = this.#projects.get(virtual.name);
    if (!project) return this.#label(id);
    const members = [...set.descending()].reverse().map((index) => project.releases[index]!.version.normalized);
    if (members.length === project.releases.length) return `every version of ${this.#label(id)}`;
    return this.#describeVersions(id, members);
  }

  #explain(terminal: number): string[] {
    const store = this.#state.store;
    const lines: string[] = [];
    const seen = new Set<number>();
    const unavailable = new Map<string, { package: number; reason: string; versions: number[] }>();
    const dependencies = new Map<string, { dependent: number; dependency: number; versions: VersionSet; range: VersionSet | null; texts: Set<string> }>();
    const stack = [terminal];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const incompatibility = store[id]!;
      const kind = incompatibility.kind;
      switch (kind.type) {
        case 'derived':
          stack.push(kind.causes[1], kind.causes[0]);
          break;
        case 'dependency': {
          const [, dependentTerm] = incompatibility.terms[0]!;
          const dependencyTerm = incompatibility.terms[1]?.[1];
          const virtualKind = this.#packages[kind.dependent]!.kind;
          // Proxies only tie an extra or a marker to its package: not worth a line.
          if (virtualKind === 'extra-proxy' || virtualKind === 'marker-proxy') break;
          if (this.#packages[kind.dependency]!.kind === 'python') {
            lines.push(`${this.#describeSet(kind.dependent, dependentTerm.set)} requires a newer Python than ${this.#environment.python_full_version}`);
            break;
          }
          // Versions of one package with different ranges on the same dependency make one line.
          const key = `${kind.dependent}>${kind.dependency}`;
          const group = dependencies.get(key) ?? { dependent: kind.dependent, dependency: kind.dependency, versions: dependentTerm.set, range: null as VersionSet | null, texts: new Set<string>() };
          group.versions = group.versions.union(dependentTerm.set);
          if (dependencyTerm) {
            group.range = group.range ? group.range.union(dependencyTerm.set) : dependencyTerm.set;
            group.texts.add(this.#requirementText.get(`${key}>${dependencyTerm.set.key()}`) ?? this.#describeSet(kind.dependency, dependencyTerm.set));
          }
          dependencies.set(key, group);
          break;
        }
        case 'no-versions': {
          const [package_, term] = incompatibility.terms[0]!;
          const virtual = this.#packages[package_]!;
          if (virtual.kind === 'python') break;
          const project = nameOf(virtual) === null ? undefined : this.#projects.get(nameOf(virtual)!);
          lines.push(project ? `no usable version of ${this.#describeSet(package_, term.set)}` : `${this.#label(package_)} is not on the index`);
          break;
        }
        case 'unavailable': {
          // Versions are ruled out one at a time: gather them per package and reason.
          const [package_, term] = incompatibility.terms[0]!;
          const key = `${package_}\n${kind.reason}`;
          const entry = unavailable.get(key) ?? { package: package_, reason: kind.reason, versions: [] as number[] };
          for (const version of term.set.descending()) entry.versions.push(version);
          unavailable.set(key, entry);
          break;
        }
        case 'not-root':
          break;
      }
    }
    for (const group of dependencies.values()) {
      const target = group.texts.size === 1 ? [...group.texts][0]! : group.range ? this.#describeSet(group.dependency, group.range) : this.#label(group.dependency);
      if (group.dependent === 0) lines.push(`the request asks for ${target}`);
      else if (!group.range) lines.push(`${this.#describeSet(group.dependent, group.versions)} depends on ${this.#label(group.dependency)}, which has no versions`);
      else lines.push(`${this.#describeSet(group.dependent, group.versions)} depends on ${target}`);
    }
    for (const { package: package_, reason, versions } of unavailable.values()) {
      const virtual = this.#packages[package_]!;
      const project = nameOf(virtual) === null ? undefined : this.#projects.get(nameOf(virtual)!);
      const texts = [...new Set(versions)].sort((a, b) => a - b).map((index) => project?.releases[index]?.version.normalized ?? String(index));
      lines.push(`${this.#describeVersions(package_, texts)} cannot be used: ${reason}`);
    }
    return [...new Set(lines)];
  }
}

function requirementText(requirement: Pep508Requirement): string {
  const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(',')}]` : '';
  if (requirement.url) return `${requirement.name}${extras} @ ${requirement.url}`;
  return `${requirement.name}${extras}${requirement.specifier}`;
}

function parsedOrNull(text: string): Pep440Version | null {
  const parsed = parsePep440Version(text);
  return parsed.ok ? parsed.value : null;
}
