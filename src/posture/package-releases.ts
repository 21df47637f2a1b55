import type { ParseError } from 'jsonc-parser';
import { compareText } from '../core/compare.js';
import { ChainwatchError, HostError } from '../core/errors.js';
import type { EventSink } from '../core/events.js';
import { known, unknown, type Knowable } from '../core/known.js';
import { normalizeName } from '../core/package.js';
import { declaredName } from '../graph/repository.js';
import type { NamedPackage } from './importance.js';
import { parseJsonLike } from './parse-text.js';
import type { PackageReleaseFact, PostureReport, ReleaseRegistry, RepoFacts } from './types.js';

/**
 * When the packages a repository publishes were last released, as their
 * registries say: a project whose checkout shows no recent commit but whose
 * package was released last month is maintained (the checkout is old, or the
 * work happens on a release branch). Which packages a repository publishes:
 *   - chainwatch.yaml's packages whose name is the repository's
 *     (`jupyter_server` ↔ jupyter-server/jupyter_server), or whose npm scope
 *     is (`@lumino/widgets` ↔ jupyterlab/lumino), as importance matches them;
 *   - the names its manifests declare: pyproject.toml `[project].name`,
 *     setup.cfg / setup.py `name` (PyPI), package.json `name` unless
 *     `private` (npm), outside test, fixture, example and docs folders, whose
 *     manifests describe other projects.
 * At most MAX_PACKAGES_PER_REPOSITORY, config first, then the shallowest
 * manifests. The registries are asked through `RegistryReleases`, which the
 * front end wires (registry-releases.ts implements it over ecosystems/).
 */

export const MAX_PACKAGES_PER_REPOSITORY = 10;
/** Registry lookups in flight at once (the HTTP client also limits each host). */
const CONCURRENCY = 4;

export interface PublishedPackage {
  ecosystem: ReleaseRegistry;
  name: string;
  declaredIn: string;
}

export interface NewestRelease {
  version: string;
  /** ISO date of the upload or publish. */
  date: string;
}

/** The registries as the posture run asks them. */
export interface RegistryReleases {
  /**
   * The newest release of a package: known null when the registry has no
   * release of it, unknown when the registry's answer cannot tell (no upload
   * times). Throws a ChainwatchError when the host fails (HostError) or no
   * registry is configured (`invalid-config`).
   */
  newestRelease(pkg: { ecosystem: ReleaseRegistry; name: string }): Promise<Knowable<NewestRelease | null>>;
  close(): Promise<void>;
}

/** Called once, and only when some repository publishes a package; `unavailable` says why the registries cannot be asked. */
export type RegistryConnector = () => Promise<RegistryReleases | { unavailable: string }>;

/** Folders whose manifests describe other projects (fixtures, examples, documentation), never what the repository publishes. */
const NOT_PUBLISHED = /(?:^|\/)(?:tests?|testing|__tests__|fixtures?|__fixtures__|testdata|test-data|mocks?|mock_packages|examples?|docs?|benchmarks?|ui-tests|node_modules)\//i;
const PYTHON_MANIFESTS = new Set(['pyproject.toml', 'setup.cfg', 'setup.py']);

/** The packages a repository publishes (see the module comment), config first. */
export function publishedPackages(repo: Pick<RepoFacts, 'repo' | 'files'>, configPackages: readonly NamedPackage[] = []): PublishedPackage[] {
  const found: PublishedPackage[] = [];
  const add = (entry: PublishedPackage) => {
    if (!found.some((existing) => existing.ecosystem === entry.ecosystem && existing.name === entry.name)) found.push(entry);
  };
  const repoName = looseName(repo.repo.slice(repo.repo.indexOf('/') + 1));
  for (const entry of configPackages) {
    const ecosystem = entry.ecosystem === 'PyPI' || entry.ecosystem === 'npm' ? entry.ecosystem : null;
    if (ecosystem === null) continue;
    const scope = ecosystem === 'npm' ? /^@([^/]+)\//.exec(entry.name)?.[1] : undefined;
    if ((scope === undefined ? looseName(entry.name) : looseName(scope)) !== repoName) continue;
    add({ ecosystem, name: normalizeName(ecosystem, entry.name), declaredIn: 'config' });
  }
  const manifests = repo.files
    .filter((file) => !NOT_PUBLISHED.test(file.path))
    .sort((a, b) => a.path.split('/').length - b.path.split('/').length || compareText(a.path, b.path));
  for (const file of manifests) {
    const fileName = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (fileName === 'package.json') {
      const name = publishedNpmName(file.text);
      if (name !== null) add({ ecosystem: 'npm', name, declaredIn: file.path });
    } else if (PYTHON_MANIFESTS.has(fileName)) {
      const declared = declaredName(fileName, file.text);
      if (declared?.ecosystem === 'PyPI') add({ ecosystem: 'PyPI', name: declared.name, declaredIn: file.path });
    }
  }
  return found.slice(0, MAX_PACKAGES_PER_REPOSITORY);
}

/** A package.json's name, unless it is private (never published) or cannot be read. */
function publishedNpmName(text: string): string | null {
  const errors: ParseError[] = [];
  const manifest: unknown = parseJsonLike(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || typeof manifest !== 'object' || manifest === null) return null;
  const { name, private: isPrivate } = manifest as { name?: unknown; private?: unknown };
  return typeof name === 'string' && name !== '' && isPrivate !== true ? normalizeName('npm', name) : null;
}

/** `Jupyter_Server` → `jupyter-server`: repository and package names compared loosely, as importance does. */
function looseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export interface PackageReleaseLookup {
  repos: RepoFacts[];
  /** One per registry asked: reachable when it answered at least once. */
  sources: PostureReport['sources'];
}

/**
 * Asks the registries for the newest release of every package the
 * repositories publish (each package once) and returns the repositories with
 * `packageReleases` set. A registry that cannot be reached (no connection, or
 * no registry configured) is asked nothing more: its packages are unknown for
 * the same reason, and it is listed as an unreachable source.
 */
export async function lookUpPackageReleases(
  repos: readonly RepoFacts[],
  options: { packages: readonly NamedPackage[]; connect: RegistryConnector; describeError(error: unknown): string; events: EventSink },
): Promise<PackageReleaseLookup> {
  const published = new Map(repos.map((repo) => [repo, publishedPackages(repo, options.packages)]));
  const wanted = new Map<string, PublishedPackage>();
  for (const list of published.values()) for (const entry of list) wanted.set(keyOf(entry), entry);
  if (wanted.size === 0) return { repos: repos.map((repo) => ({ ...repo, packageReleases: known([]) })), sources: [] };

  const answers = new Map<string, Knowable<NewestRelease | null>>();
  const sources: PostureReport['sources'] = [];
  const connection = await options.connect();
  if ('unavailable' in connection) {
    for (const key of wanted.keys()) answers.set(key, unknown(connection.unavailable));
    for (const ecosystem of ecosystemsOf(wanted)) sources.push({ name: sourceName(ecosystem), reachable: false, error: connection.unavailable });
  } else {
    try {
      const reached = new Set<ReleaseRegistry>();
      /** A registry that failed as a whole (cannot connect, not configured), with the sentence why. */
      const down = new Map<ReleaseRegistry, string>();
      const firstError = new Map<ReleaseRegistry, string>();
      let done = 0;
      const ask = async ([key, entry]: [string, PublishedPackage]) => {
        const reason = down.get(entry.ecosystem);
        if (reason !== undefined) {
          answers.set(key, unknown(reason));
        } else {
          try {
            answers.set(key, await connection.newestRelease(entry));
            reached.add(entry.ecosystem);
          } catch (error) {
            if (!(error instanceof ChainwatchError)) throw error;
            const sentence = options.describeError(error);
            answers.set(key, unknown(sentence));
            if (!firstError.has(entry.ecosystem)) firstError.set(entry.ecosystem, sentence);
            if (failsWholeRegistry(error)) down.set(entry.ecosystem, sentence);
          }
        }
        options.events.emit({ type: 'progress', task: 'registry release dates', done: ++done, total: wanted.size, detail: `${entry.ecosystem} ${entry.name}` });
      };
      // Each registry's first package alone, so that an unreachable registry costs one failed request, not one per package.
      const entries = [...wanted.entries()];
      const first = ecosystemsOf(wanted).map((ecosystem) => entries.find(([, entry]) => entry.ecosystem === ecosystem)!);
      await Promise.all(first.map(ask));
      const queue = entries.filter((entry) => !first.includes(entry));
      const worker = async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) await ask(next);
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
      for (const ecosystem of ecosystemsOf(wanted)) {
        const error = firstError.get(ecosystem);
        sources.push(reached.has(ecosystem) || error === undefined ? { name: sourceName(ecosystem), reachable: true } : { name: sourceName(ecosystem), reachable: false, error });
      }
    } finally {
      await connection.close();
    }
  }
  return {
    repos: repos.map((repo) => {
      const releases: PackageReleaseFact[] = published.get(repo)!.map((entry) => ({ ...entry, newest: answers.get(keyOf(entry))! }));
      return { ...repo, packageReleases: known(releases) };
    }),
    sources,
  };
}

/**
 * The host could not be reached at all (DNS, refused, reset, timed out: no
 * HTTP status, after the client's retries) or no registry is configured:
 * asking for the next package would fail the same way. An offline run's
 * missing cache entry is about one package only.
 */
function failsWholeRegistry(error: ChainwatchError): boolean {
  return (error instanceof HostError && error.status === undefined && error.retryable) || error.code === 'invalid-config';
}

function keyOf(entry: { ecosystem: ReleaseRegistry; name: string }): string {
  return `${entry.ecosystem}\u0000${entry.name}`;
}

function ecosystemsOf(wanted: ReadonlyMap<string, PublishedPackage>): ReleaseRegistry[] {
  const ecosystems = new Set([...wanted.values()].map((entry) => entry.ecosystem));
  return (['PyPI', 'npm'] as const).filter((ecosystem) => ecosystems.has(ecosystem));
}

/** Source names as the graph's HTTP sources are named. */
function sourceName(ecosystem: ReleaseRegistry): string {
  return ecosystem === 'PyPI' ? 'pypi' : 'npm';
}
